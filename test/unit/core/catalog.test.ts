import { describe, expect, it } from "vitest";
import {
  ACCELERATORS,
  acceleratorFor,
  FLEETS,
  fleetById,
  fleetsForModel,
  isDomesticFamily,
  MODELS,
  modelById,
} from "../../../layers/core/src/catalog/catalog";
import { chipFamilyOf } from "../../../layers/core/src/catalog/chip-family";

describe("catalog", () => {
  it("lists at least 10 runnable models from at least 6 providers, the three carriers included", () => {
    expect(MODELS.length).toBeGreaterThanOrEqual(10);
    expect(new Set(MODELS.map((m) => m.ownedBy)).size).toBeGreaterThanOrEqual(6);
    for (const id of ["telechat2.5-115b", "jiutian-cm", "unichat-32b-c1"])
      expect(modelById(id)).toBeDefined();
  });

  it("copies prices exactly from the reference decimals, with date and source", () => {
    const pro = modelById("deepseek-v4-pro");
    expect(pro?.inputMicrosPerMtok).toBe(9_000_000n);
    expect(pro?.outputMicrosPerMtok).toBe(27_000_000n);
    expect(modelById("MiniMax-M2.5")?.outputMicrosPerMtok).toBe(8_400_000n);
    for (const m of MODELS) {
      expect(m.priceDate).not.toBe("");
      expect(m.priceSource).not.toBe("");
      expect(m.modelProviderId).toBe(`prov_${m.ownedBy}`);
    }
  });

  it("resolves aliases and maps SKU chip names onto families", () => {
    expect(modelById("deepseek-v4-flash")?.id).toBe("deepseek-flash");
    expect(chipFamilyOf("hygon-k100ai")).toBe("hygon-dcu");
    expect(chipFamilyOf("iluvatar-bi-v150")).toBe("iluvatar-corex");
    expect(chipFamilyOf("vendor-hosted")).toBeUndefined();
  });

  it("has 8 fleets of one family each, at least 5 families of which 4 domestic", () => {
    expect(FLEETS).toHaveLength(8);
    const families = new Set(FLEETS.map((f) => f.chipFamily));
    expect(families.size).toBeGreaterThanOrEqual(5);
    expect([...families].filter(isDomesticFamily).length).toBeGreaterThanOrEqual(4);
    expect(new Set(FLEETS.map((f) => f.id)).size).toBe(FLEETS.length);
  });

  it("serves every model on at least one fleet whose family the model runs on", () => {
    for (const m of MODELS) {
      const fleets = fleetsForModel(m.id);
      expect(fleets.length, m.id).toBeGreaterThan(0);
      for (const f of fleets) expect(m.chipFamilies).toContain(f.chipFamily);
    }
  });

  it("carries the reference's site figures for Hohhot and Horinger", () => {
    const hohhot = fleetById("hohhot-ascend-910b");
    expect(hohhot).toMatchObject({ gridFactorMgPerKwh: 684_900, greenShareBp: 8_600, pueMilli: 1_200 });
    expect(fleetById("horinger-kunlunxin-p800")?.greenShareBp).toBe(8_457);
    expect(fleetById("beijing-nvidia-h20")).toMatchObject({
      domestic: false,
      greenShareBp: 0,
      pueMilli: 1_250,
    });
  });

  it("has an accelerator profile for every fleet family", () => {
    for (const f of FLEETS) expect(acceleratorFor(f.chipFamily).boardPowerW).toBeGreaterThan(0);
    expect(new Set(ACCELERATORS.map((a) => a.family)).size).toBe(ACCELERATORS.length);
  });
});
