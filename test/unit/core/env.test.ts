import { describe, expect, it } from "vitest";
import { parseEnv } from "../../../layers/core/src/aws/env";

describe("function environment", () => {
  it("applies the documented defaults", () => {
    const env = parseEnv({ TABLE_NAME: "t" });
    expect(env.HOLD_TTL_SECONDS).toBe(900);
    expect(env.SYNC_WAIT_MS).toBe(25_000);
  });

  it("parses FLEET_QUEUE_URLS as JSON", () => {
    const env = parseEnv({
      TABLE_NAME: "t",
      FLEET_QUEUE_URLS: '{"f":"http://127.0.0.1:4566/000000000000/f"}',
    });
    expect(env.FLEET_QUEUE_URLS?.f).toBe("http://127.0.0.1:4566/000000000000/f");
  });

  it("fails loudly on a missing table or malformed values", () => {
    expect(() => parseEnv({})).toThrow(/TABLE_NAME/);
    expect(() => parseEnv({ TABLE_NAME: "t", FLEET_QUEUE_URLS: "nope" })).toThrow();
    expect(() => parseEnv({ TABLE_NAME: "t", HOLD_TTL_SECONDS: "-1" })).toThrow();
  });
});

describe("function environment, unset values", () => {
  it("treats empty optional values as unset and normalizes the admin hash", () => {
    const env = parseEnv({ TABLE_NAME: "t", STATE_MACHINE_ARN: "", ADMIN_KEY_SHA256: "AB".repeat(32) });
    expect(env.STATE_MACHINE_ARN).toBeUndefined();
    expect(env.ADMIN_KEY_SHA256).toBe("ab".repeat(32));
  });
});
