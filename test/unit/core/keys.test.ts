import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  accountKey,
  accountOrdersGsi1,
  BALANCE_SHARDS,
  balanceKey,
  balanceShardKey,
  creditRefKey,
  entryKey,
  fleetCapacityKey,
  holdKey,
  orderKey,
  pendingHoldGsi1,
  transferKey,
} from "../../../layers/core/src/store/keys";

const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
const iso = fc
  .date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString());

describe("key builders", () => {
  it("build the documented keys", () => {
    expect(accountKey("acc_1")).toEqual({ pk: "ACCOUNT#acc_1", sk: "ACCOUNT" });
    expect(balanceKey("acc_1")).toEqual({ pk: "ACCOUNT#acc_1", sk: "BALANCE" });
    expect(balanceShardKey("prov_x", 3)).toEqual({ pk: "ACCOUNT#prov_x", sk: "BALANCE#3" });
    expect(transferKey("t1")).toEqual({ pk: "TRANSFER#t1", sk: "TRANSFER" });
    expect(creditRefKey("acc_1", "r1")).toEqual({ pk: "ACCOUNT#acc_1", sk: "CREDITREF#r1" });
    expect(holdKey("h1")).toEqual({ pk: "HOLD#h1", sk: "HOLD" });
    expect(orderKey("ord_1")).toEqual({ pk: "ORDER#ord_1", sk: "ORDER" });
    expect(fleetCapacityKey("f")).toEqual({ pk: "FLEET#f", sk: "CAPACITY" });
  });

  it("keep an account's items in its partition and apart by sort key", () => {
    fc.assert(
      fc.property(id, iso, id, fc.integer({ min: 0, max: BALANCE_SHARDS - 1 }), (acc, ts, tr, shard) => {
        const keys = [
          accountKey(acc),
          balanceKey(acc),
          balanceShardKey(acc, shard),
          entryKey(acc, ts, tr),
          creditRefKey(acc, tr),
        ];
        expect(new Set(keys.map((k) => k.pk)).size).toBe(1);
        expect(new Set(keys.map((k) => k.sk)).size).toBe(keys.length);
      }),
    );
  });

  it("order entries and pending holds chronologically by sort key", () => {
    fc.assert(
      fc.property(id, iso, iso, id, (acc, a, b, tr) => {
        const ka = entryKey(acc, a, tr).sk;
        const kb = entryKey(acc, b, tr).sk;
        expect(Math.sign(ka.localeCompare(kb))).toBe(Math.sign(a.localeCompare(b)));
        expect(pendingHoldGsi1(a, tr).gsi1sk < pendingHoldGsi1(b, tr).gsi1sk).toBe(a < b);
        expect(accountOrdersGsi1(acc, a, tr).gsi1pk).toBe(`ACCOUNT#${acc}#ORDERS`);
      }),
    );
  });

  it("reject a shard outside the shard range", () => {
    expect(() => balanceShardKey("a", BALANCE_SHARDS)).toThrow(RangeError);
    expect(() => balanceShardKey("a", -1)).toThrow(RangeError);
  });
});
