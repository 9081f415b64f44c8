import { beforeAll, describe, expect, it } from "vitest";
import {
  type Buyer,
  balanceOf,
  complete,
  createFundedBuyer,
  http,
  openaiFor,
  type PlatformCompletion,
  roundHalfUpDiv,
} from "../support/platform";

const FUNDS_MICROS = 50_000_000n; // 50 CNY

interface ListedModel {
  id: string;
  pricing: { input_micros_per_mtok: string; output_micros_per_mtok: string };
  chip_families: string[];
}

// Three models pinned to three different chip families (two domestic, one more domestic) via routing.
const CALLS = [
  { model: "deepseek-flash", chipFamily: "metax-c500" },
  { model: "ernie-4.5-turbo-128k", chipFamily: "kunlunxin-p800" },
  { model: "telechat2.5-115b", chipFamily: "ascend-910b" },
] as const;

describe("the order pipeline through the official openai SDK", () => {
  let buyer: Buyer;
  let models: ListedModel[];
  const results: PlatformCompletion[] = [];

  beforeAll(async () => {
    buyer = await createFundedBuyer(FUNDS_MICROS, "e2e");
    const client = openaiFor(buyer.apiKey);
    const list = await client.models.list();
    models = list.data as unknown as ListedModel[];
    for (const call of CALLS) {
      results.push(
        await complete(client, call.model, `Explain green compute in Hohhot (${call.model})`, {
          maxTokens: 48,
          routing: { chip_family: [call.chipFamily] },
        }),
      );
    }
  });

  it("lists at least ten models with prices and chip families", () => {
    expect(models.length).toBeGreaterThanOrEqual(10);
    for (const m of models) {
      expect(m.pricing.input_micros_per_mtok).toMatch(/^\d+$/);
      expect(m.chip_families.length).toBeGreaterThan(0);
    }
  });

  it("answers each call with content, usage, billing, compute and carbon", () => {
    for (const r of results) {
      expect(r.object).toBe("chat.completion");
      expect(r.choices[0]?.message.content?.length ?? 0).toBeGreaterThan(0);
      expect(r.usage?.prompt_tokens).toBeGreaterThan(0);
      expect(r.usage?.completion_tokens).toBeGreaterThan(0);
      expect(r.usage?.total_tokens).toBe((r.usage?.prompt_tokens ?? 0) + (r.usage?.completion_tokens ?? 0));
      expect(r.billing.currency).toBe("CNY");
      expect(r.compute.fleet_id).toContain(r.compute.chip_family);
      expect(r.compute.host_id).toMatch(/^host-/);
      expect(r.compute.region).toMatch(/\S/);
      expect(Number(r.carbon.energy_wh)).toBeGreaterThan(0);
      expect(Number(r.carbon.gco2e)).toBeGreaterThanOrEqual(0);
      expect(r.carbon.grid_factor_source).toMatch(/MEE|NBS|\[O/);
    }
  });

  it("runs the three calls on three different chip families, the ones asked for", () => {
    expect(results.map((r) => r.compute.chip_family)).toEqual(CALLS.map((c) => c.chipFamily));
    expect(new Set(results.map((r) => r.compute.chip_family)).size).toBe(3);
  });

  it("charges exactly the listed price for the usage it reports", () => {
    for (const r of results) {
      const model = models.find((m) => m.id === r.model);
      expect(model).toBeDefined();
      const input = BigInt(model?.pricing.input_micros_per_mtok ?? "0");
      const output = BigInt(model?.pricing.output_micros_per_mtok ?? "0");
      const expected =
        roundHalfUpDiv(BigInt(r.usage?.prompt_tokens ?? 0) * input, 1_000_000n) +
        roundHalfUpDiv(BigInt(r.usage?.completion_tokens ?? 0) * output, 1_000_000n);
      expect(BigInt(r.billing.charged_micros)).toBe(expected);
      expect(BigInt(r.billing.charged_micros)).toBeLessThanOrEqual(BigInt(r.billing.held_micros));
    }
  });

  it("splits every charge three ways that add up to it exactly", () => {
    for (const r of results) {
      const b = r.billing.breakdown;
      const parts = [b.model_provider_micros, b.compute_provider_micros, b.platform_micros].map(BigInt);
      for (const p of parts) expect(p).toBeGreaterThanOrEqual(0n);
      expect(parts.reduce((a, p) => a + p, 0n)).toBe(BigInt(r.billing.charged_micros));
    }
  });

  it("drops the balance by exactly the sum of the charges, with nothing left held", async () => {
    const balance = await balanceOf(buyer);
    const charged = results.reduce((a, r) => a + BigInt(r.billing.charged_micros), 0n);
    expect(charged).toBeGreaterThan(0n);
    expect(BigInt(balance.available_micros)).toBe(FUNDS_MICROS - charged);
    expect(BigInt(balance.posted_micros)).toBe(FUNDS_MICROS - charged);
    expect(BigInt(balance.held_micros)).toBe(0n);
  });

  it("lists the funding and every debit leg of each order in the ledger", async () => {
    const res = await http<{
      data: { id: string; type: string; amount_micros: string; direction: string; order_id?: string }[];
      next_cursor: string | null;
    }>("GET", "/v1/ledger?limit=100", { key: buyer.apiKey });
    expect(res.status).toBe(200);
    const credits = res.body.data.filter((e) => e.direction === "credit");
    expect(credits.map((e) => BigInt(e.amount_micros))).toEqual([FUNDS_MICROS]);
    for (const r of results) {
      const legs = res.body.data.filter((e) => e.direction === "debit" && e.order_id === r.billing.order_id);
      expect(legs.length).toBeGreaterThanOrEqual(1);
      expect(legs.length).toBeLessThanOrEqual(3);
      expect(legs.reduce((a, e) => a + BigInt(e.amount_micros), 0n)).toBe(BigInt(r.billing.charged_micros));
    }
  });
});
