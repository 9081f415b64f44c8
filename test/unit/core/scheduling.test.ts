import { describe, expect, it } from "vitest";
import { acceleratorFor, FLEETS } from "../../../layers/core/src/catalog/catalog";
import {
  anyFleetEligible,
  type PlacementInput,
  rankFleets,
} from "../../../layers/core/src/domain/scheduling";

const base = (over: Partial<PlacementInput> = {}): PlacementInput => ({
  modelId: "deepseek-flash",
  routing: {},
  domesticOnly: false,
  fleets: FLEETS,
  acceleratorFor,
  inFlight: new Map(),
  ...over,
});

const ids = (input: PlacementInput) => rankFleets(input).map((r) => r.fleet.id);

describe("scheduling", () => {
  it("only ranks fleets that serve the model", () => {
    for (const id of ids(base())) expect(FLEETS.find((f) => f.id === id)?.models).toContain("deepseek-flash");
  });

  it("ranks deterministically", () => {
    expect(ids(base({ routing: { prefer: "greenest" } }))).toEqual(
      ids(base({ routing: { prefer: "greenest" } })),
    );
  });

  it("fastest puts the highest relative throughput first", () => {
    const ranked = rankFleets(base({ routing: { prefer: "fastest" } }));
    const rel = ranked.map((r) => acceleratorFor(r.fleet.chipFamily).relThroughputMilli);
    expect(rel).toEqual([...rel].sort((a, b) => b - a));
  });

  it("greenest prefers the Inner Mongolia green-power sites", () => {
    expect(ids(base({ routing: { prefer: "greenest" } }))[0]).toMatch(/^(hohhot|horinger)-/);
  });

  it("respects chip_family, only, ignore and the domestic-only policy", () => {
    expect(ids(base({ routing: { chipFamily: ["metax-c500"] } }))).toEqual(["guangzhou-metax-c500"]);
    expect(ids(base({ routing: { only: ["beijing-nvidia-h20"] } }))).toEqual(["beijing-nvidia-h20"]);
    expect(ids(base({ routing: { ignore: ["hohhot-ascend-910b"] } }))).not.toContain("hohhot-ascend-910b");
    expect(ids(base({ domesticOnly: true }))).not.toContain("beijing-nvidia-h20");
  });

  it("skips full fleets and falls back only when allowed", () => {
    const full = new Map([["guangzhou-metax-c500", 16]]);
    const constrained = { chipFamily: ["metax-c500"] };
    expect(ids(base({ routing: constrained, inFlight: full }))).toEqual([]);
    const fallback = rankFleets(base({ routing: { ...constrained, allowFallback: true }, inFlight: full }));
    expect(fallback.length).toBeGreaterThan(0);
    expect(fallback.every((r) => r.fallback)).toBe(true);
  });

  it("tells impossible constraints apart from a lack of capacity", () => {
    expect(anyFleetEligible(base({ routing: { chipFamily: ["biren"] } }))).toBe(false);
    expect(anyFleetEligible(base({ inFlight: new Map(FLEETS.map((f) => [f.id, 99])) }))).toBe(true);
  });
});
