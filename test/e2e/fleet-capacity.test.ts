import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHAOS_FLEET_ID } from "../support/local-cloud";
import { complete, createFundedBuyer, http, openaiFor, startWorker, waitFor } from "../support/platform";

const CONCURRENT_ORDERS = 12;

let worker: ReturnType<typeof startWorker>;
beforeAll(() => {
  // No --concurrency: the worker takes the fleet's capacity slots from the catalog.
  worker = startWorker(CHAOS_FLEET_ID, ["--engine", "simulated", "--latency-scale", "4"]);
});
afterAll(() => {
  if (worker.proc.exitCode === null) worker.proc.kill("SIGKILL");
});

describe("a fleet admitted more orders at once than one worker slot", () => {
  it("runs every admitted order, because a worker takes as many slots as the fleet admits", async () => {
    await waitFor(
      "the worker to poll",
      () => (worker.stdout.join("").includes("agent.started") ? true : undefined),
      30_000,
    );
    const buyer = await createFundedBuyer(50_000_000n, "capacity");
    const client = openaiFor(buyer.apiKey);
    // Each order keeps the (slowed) engine busy for seconds; one slot would leave the last ones queued far past
    // the 10 s heartbeat window that starts at dispatch.
    const results = await Promise.allSettled(
      Array.from({ length: CONCURRENT_ORDERS }, (_, i) =>
        complete(client, "deepseek-r1", `order ${i}: the carbon cost of a token`, {
          maxTokens: 64,
          routing: { only: [CHAOS_FLEET_ID] },
        }),
      ),
    );
    const failures = await Promise.all(
      results
        .filter((r): r is PromiseRejectedResult => r.status === "rejected")
        .map(async (r) => {
          // Say why: the order's own record names the error (heartbeat timeout, engine error, ...).
          const orderId = (r.reason as { error?: { order_id?: string } }).error?.order_id;
          const order = orderId
            ? await http("GET", `/v1/orders/${orderId}`, { key: buyer.apiKey })
            : undefined;
          const seen = worker.stdout
            .join("")
            .split("\n")
            .filter((l) => orderId !== undefined && l.includes(orderId));
          return `${String(r.reason)} ${JSON.stringify(order?.body ?? {})} worker: ${seen.join(" | ")}`;
        }),
    );
    expect(failures).toEqual([]);
    for (const r of results)
      if (r.status === "fulfilled") expect(r.value.compute.fleet_id).toBe(CHAOS_FLEET_ID);
  });
});
