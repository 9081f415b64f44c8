import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { CHAOS_FLEET_ID } from "../support/local-cloud";
import {
  balanceOf,
  complete,
  createFundedBuyer,
  http,
  openaiFor,
  outputs,
  startWorker,
  waitFor,
} from "../support/platform";

const FUNDS_MICROS = 10_000_000n;
const MODEL_ON_CHAOS_FLEET = "deepseek-r1";

function sqs(): SQSClient {
  const o = outputs();
  return new SQSClient({
    region: o.region,
    endpoint: o.awsEndpoint,
    useQueueUrlAsEndpoint: false,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
}

const workers: ReturnType<typeof startWorker>[] = [];
afterEach(() => {
  for (const w of workers.splice(0)) if (w.proc.exitCode === null) w.proc.kill("SIGKILL");
});

describe("a worker killed mid-job", () => {
  it("fails the order, releases its hold and loses no money", async () => {
    const buyer = await createFundedBuyer(FUNDS_MICROS, "crash");
    // A slow simulated engine so the kill lands while the order runs (latency × 50 of the chip profile).
    const worker = startWorker(CHAOS_FLEET_ID, [
      "--engine",
      "simulated",
      "--latency-scale",
      "50",
      "--concurrency",
      "1",
    ]);
    workers.push(worker);
    const call = complete(openaiFor(buyer.apiKey), MODEL_ON_CHAOS_FLEET, "a long essay on wind power", {
      maxTokens: 400,
      routing: { only: [CHAOS_FLEET_ID] },
    });
    const outcome = call.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    const started = await waitFor(
      "the worker to start the order",
      () => worker.stdout.join("").match(/"event":"order\.started"[^\n]*"orderId":"([^"]+)"/)?.[1],
      30_000,
    );
    expect(started).toMatch(/^ord_/);
    const during = await balanceOf(buyer);
    expect(BigInt(during.held_micros)).toBeGreaterThan(0n);
    worker.proc.kill("SIGKILL");

    const result = await outcome;
    expect(result.ok).toBe(false);
    const err = (result as { error: unknown }).error as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBeGreaterThanOrEqual(500);
    expect(err.status).toBeLessThan(600);

    const order = await http<{ id: string; status: string }>("GET", `/v1/orders/${started}`, {
      key: buyer.apiKey,
    });
    expect(order.status).toBe(200);
    expect(order.body.status).toBe("failed");
    const after = await balanceOf(buyer);
    expect(BigInt(after.held_micros)).toBe(0n);
    expect(BigInt(after.available_micros)).toBe(FUNDS_MICROS);
  });
});

describe("a message that keeps failing", () => {
  it("lands in the fleet's dead-letter queue", async () => {
    const fleet = outputs().fleets[CHAOS_FLEET_ID];
    expect(fleet).toBeDefined();
    const client = sqs();
    const body = `not json ${Date.now()}`;
    await client.send(new SendMessageCommand({ QueueUrl: fleet?.queueUrl, MessageBody: body }));
    // The worker cannot parse it and returns it to the queue each time; the redrive policy moves it on.
    const worker = startWorker(CHAOS_FLEET_ID, ["--engine", "simulated", "--latency-scale", "0"]);
    workers.push(worker);
    const dead = await waitFor(
      "the poison message in the DLQ",
      async () => {
        const res = await client.send(
          new ReceiveMessageCommand({ QueueUrl: fleet?.dlqUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }),
        );
        return res.Messages?.find((m) => m.Body === body);
      },
      60_000,
    );
    expect(dead.Body).toBe(body);
  });
});
