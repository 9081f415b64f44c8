import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import {
  balanceOf,
  complete,
  createFundedBuyer,
  openaiFor,
  type PlatformCompletion,
} from "../support/platform";

const CALLS = 40;
const MAX_TOKENS = 512;
const MODEL = "deepseek-flash";

describe("forty concurrent calls against a wallet funded for about five", () => {
  it("never overspends, refuses the rest with 402 insufficient_funds, and balances to the charges", async () => {
    // Worst case of one call: a short prompt plus 512 output tokens at deepseek-flash's output price.
    const probe = await createFundedBuyer(10_000_000n, "probe");
    const sample = await complete(openaiFor(probe.apiKey), MODEL, "hello", { maxTokens: MAX_TOKENS });
    const worstCaseMicros = BigInt(sample.billing.held_micros);
    const funds = worstCaseMicros * 5n + worstCaseMicros / 2n;

    const buyer = await createFundedBuyer(funds, "concurrent");
    const client = openaiFor(buyer.apiKey);
    const settled = await Promise.allSettled(
      Array.from({ length: CALLS }, () => complete(client, MODEL, "hello", { maxTokens: MAX_TOKENS })),
    );

    const ok = settled.filter(
      (s): s is PromiseFulfilledResult<PlatformCompletion> => s.status === "fulfilled",
    );
    const refused = settled.filter((s): s is PromiseRejectedResult => s.status === "rejected");
    expect(ok.length).toBeGreaterThanOrEqual(5);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(OpenAI.APIError);
      const err = r.reason as InstanceType<typeof OpenAI.APIError>;
      expect(err.status).toBe(402);
      expect(err.code).toBe("insufficient_funds");
      expect(["balance", "in_flight_holds", "credit_limit"]).toContain(
        (err.error as { limit_source?: string }).limit_source,
      );
    }
    const charged = ok.reduce((a, r) => a + BigInt(r.value.billing.charged_micros), 0n);
    const balance = await balanceOf(buyer);
    expect(BigInt(balance.available_micros)).toBe(funds - charged);
    expect(BigInt(balance.available_micros)).toBeGreaterThanOrEqual(0n);
    expect(BigInt(balance.held_micros)).toBe(0n);
  });
});
