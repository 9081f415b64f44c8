import { describe, expect, it } from "vitest";
import { carbonFor, estimateBusyMs } from "../../../layers/core/src/domain/green";

const hohhot910b = {
  boardPowerW: 380,
  relThroughputMilli: 1000,
  pueMilli: 1200,
  greenShareBp: 8600,
  gridFactorMgPerKwh: 684_900,
};

describe("green accounting", () => {
  it("energy = board power × busy time × PUE, exactly", () => {
    // 380 W × 3600 s × 1.2 = 456 Wh
    expect(carbonFor(hohhot910b, 3_600_000, 0).energyMilliWh).toBe(456_000n);
  });

  it("carbon = energy × (1 − green share) × grid factor", () => {
    // 0.456 kWh × 0.14 × 684.9 g/kWh = 43.724016 g → 43724 mg
    expect(carbonFor(hohhot910b, 3_600_000, 0).co2eMg).toBe(43_724n);
  });

  it("all-green power emits nothing and no green share emits the full grid factor", () => {
    expect(carbonFor({ ...hohhot910b, greenShareBp: 10_000 }, 1_000, 0).co2eMg).toBe(0n);
    // 456 Wh × 684.9 g/kWh = 312.3144 g
    expect(carbonFor({ ...hohhot910b, greenShareBp: 0 }, 3_600_000, 0).co2eMg).toBe(312_314n);
  });

  it("falls back to a token-based busy time when the worker reports none", () => {
    const c = carbonFor(hohhot910b, undefined, 100);
    expect(c.estimated).toBe(true);
    expect(c.busyMs).toBe(estimateBusyMs(100, 1000));
    expect(c.energyMilliWh > 0n).toBe(true);
    // twice the throughput, half the time
    expect(estimateBusyMs(100, 2000) * 2).toBe(estimateBusyMs(100, 1000));
  });
});
