// The receipt of a settled order (docs/contracts.md "Order state machine" → SettleOrder output). JSON-safe: money as
// digit strings, carbon as numbers with three decimals derived from exact integers.

export interface Receipt {
  readonly orderId: string;
  readonly model: string;
  readonly content: string;
  readonly finishReason: string;
  readonly usage: { promptTokens: number; completionTokens: number; totalTokens: number };
  readonly billing: {
    orderId: string;
    chargedMicros: string;
    heldMicros: string;
    currency: "CNY";
    breakdown: { modelProviderMicros: string; computeProviderMicros: string; platformMicros: string };
    policy: string;
    /** True when the usage cost more than the hold and the charge was capped at the hold. */
    capped: boolean;
    uncappedMicros: string;
  };
  readonly compute: { fleetId: string; chipFamily: string; hostId: string; region: string; engine: string };
  readonly carbon: {
    energyWh: number;
    gco2e: number;
    greenShare: number;
    gridFactorSource: string;
    busyMs: number;
    estimated: boolean;
  };
}
