import type { SFNClient } from "@aws-sdk/client-sfn";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WorkerAgent } from "../../../workers/agent";
import { createSfnClient, createSqsClient } from "../../../workers/aws-clients";
import type { InferenceEngine } from "../../../workers/engines/engine";
import { SimulatedEngine } from "../../../workers/engines/simulated";
import type { WorkerResult } from "../../../workers/fleet-message";
import type { Log } from "../../../workers/log";
import { type LocalServers, type SfnCall, startLocalServers, until } from "./local-servers";

// The agent against real servers on 127.0.0.1 (see local-servers.ts), through the official SDK clients.

let servers: LocalServers;
let sfnCalls: SfnCall[];
let sqs: SQSClient;
let sfn: SFNClient;
let queueUrl: string;
let dlqUrl: string;
let agent: WorkerAgent | undefined;
let queueCounter = 0;

beforeAll(async () => {
  servers = await startLocalServers();
  sfnCalls = servers.sfnCalls;
  sqs = createSqsClient({ region: "us-east-1", sqsEndpoint: servers.sqsEndpoint });
  sfn = createSfnClient({ region: "us-east-1", sfnEndpoint: servers.sfnEndpoint });
});

afterAll(() => servers.close());

afterEach(async () => {
  await agent?.stop();
  agent = undefined;
  sfnCalls.length = 0;
});

async function createQueues(visibilityTimeoutSeconds = 30): Promise<void> {
  queueCounter++;
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `fleet-dlq-${queueCounter}` }));
  dlqUrl = dlq.QueueUrl ?? "";
  const dlqArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] }))
  ).Attributes?.QueueArn;
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `fleet-${queueCounter}`,
      Attributes: {
        VisibilityTimeout: String(visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }),
      },
    }),
  );
  queueUrl = queue.QueueUrl ?? "";
}

function startAgent(engine: InferenceEngine, options: { stopGraceMs?: number } = {}) {
  const lines: Array<Record<string, unknown>> = [];
  const log: Log = (level, event, fields) => lines.push({ level, event, ...fields });
  agent = new WorkerAgent({
    fleetId: "hohhot-ascend-910b",
    queueUrl,
    hostId: "host-test",
    engine,
    sqs,
    sfn,
    log,
    concurrency: 2,
    waitTimeSeconds: 1,
    random: () => 0,
    ...options,
  });
  agent.start();
  return lines;
}

function orderMessage(orderId: string, taskToken: string, heartbeatSeconds = 10) {
  return JSON.stringify({
    version: 1,
    taskToken,
    orderId,
    fleetId: "hohhot-ascend-910b",
    model: "deepseek-flash",
    request: { messages: [{ role: "user", content: `hello ${orderId}` }], max_tokens: 32 },
    heartbeatSeconds,
  });
}

async function queueDepth(url: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

const fastEngine = () => new SimulatedEngine({ relThroughput: 1, latencyScale: 0 });

describe("WorkerAgent", () => {
  it("runs an order, reports the contract's output with SendTaskSuccess and deletes the message", async () => {
    await createQueues();
    const lines = startAgent(fastEngine());
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: orderMessage("ord_1", "tok-1") }),
    );
    const success = await until(() => sfnCalls.find((c) => c.action === "SendTaskSuccess"));
    expect(success.input.taskToken).toBe("tok-1");
    const output = JSON.parse(String(success.input.output)) as WorkerResult;
    expect(output).toMatchObject({
      hostId: "host-test",
      engine: "simulated",
      finishReason: expect.any(String),
    });
    expect(output.usage.promptTokens).toBeGreaterThan(0);
    expect(output.usage.completionTokens).toBeLessThanOrEqual(32);
    expect(output.busyMs).toBeGreaterThan(0);
    await until(() => lines.find((l) => l.event === "order.done"));
    expect(lines.find((l) => l.event === "order.started")).toMatchObject({ orderId: "ord_1" });
    expect(lines.find((l) => l.event === "order.done")).toMatchObject({
      outcome: "succeeded",
      messageDeleted: true,
    });
    expect(await queueDepth(queueUrl)).toBe(0);
  });

  it("reports an engine failure with SendTaskFailure EngineError and deletes the message", async () => {
    await createQueues();
    const lines = startAgent(new SimulatedEngine({ relThroughput: 1, latencyScale: 0, failRate: 1 }));
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: orderMessage("ord_2", "tok-2") }),
    );
    const failure = await until(() => sfnCalls.find((c) => c.action === "SendTaskFailure"));
    expect(failure.input).toMatchObject({ taskToken: "tok-2", error: "EngineError" });
    expect(String(failure.input.cause)).toContain("fail-rate");
    await until(() => lines.find((l) => l.event === "order.done"));
    expect(await queueDepth(queueUrl)).toBe(0);
  });

  it("deletes the message without running the engine when the order is gone", async () => {
    await createQueues();
    let engineCalls = 0;
    const engine: InferenceEngine = {
      name: "counting",
      complete: async () => {
        engineCalls++;
        return { content: "", finishReason: "stop", promptTokens: 1, completionTokens: 0, busyMs: 0 };
      },
    };
    const lines = startAgent(engine);
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: orderMessage("ord_3", "gone-3") }),
    );
    const done = await until(() => lines.find((l) => l.event === "order.done"));
    expect(done).toMatchObject({
      orderId: "ord_3",
      outcome: "gone",
      reason: "TaskTimedOut",
      messageDeleted: true,
    });
    expect(engineCalls).toBe(0);
    expect(sfnCalls.map((c) => c.action)).toEqual(["SendTaskHeartbeat"]);
    expect(await queueDepth(queueUrl)).toBe(0);
  });

  it("heartbeats the task while the engine runs", async () => {
    await createQueues();
    // At relThroughput 0.5 (20 decode tokens/s) a reply of up to 32 tokens takes up to ~1.6 s, slept in real time.
    startAgent(new SimulatedEngine({ relThroughput: 0.5, latencyScale: 1 }));
    // heartbeatSeconds 0.6 → a heartbeat every 200 ms.
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: orderMessage("ord_4", "tok-4", 0.6) }),
    );
    await until(() => sfnCalls.find((c) => c.action === "SendTaskSuccess"));
    const success = sfnCalls.find((c) => c.action === "SendTaskSuccess");
    const output = JSON.parse(String(success?.input.output)) as WorkerResult;
    expect(output.busyMs).toBeGreaterThan(1000);
    // One at pickup, then one per 200 ms of a run of over a second (loose: timers slip under load).
    const heartbeats = sfnCalls.filter((c) => c.action === "SendTaskHeartbeat");
    expect(heartbeats.length).toBeGreaterThanOrEqual(3);
  });

  it("keeps the message invisible while the engine outlasts the queue's visibility timeout", async () => {
    await createQueues(1);
    const lines = startAgent(new SimulatedEngine({ relThroughput: 0.5, latencyScale: 1 }));
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: orderMessage("ord_6", "tok-6", 0.6) }),
    );
    const success = await until(() => sfnCalls.find((c) => c.action === "SendTaskSuccess"));
    const output = JSON.parse(String(success.input.output)) as WorkerResult;
    expect(output.busyMs).toBeGreaterThan(1000);
    await until(() => lines.find((l) => l.event === "order.done"));
    // The second poller would have picked it up again had the visibility not been extended.
    expect(lines.filter((l) => l.event === "order.started").length).toBe(1);
    expect(sfnCalls.filter((c) => c.action === "SendTaskSuccess").length).toBe(1);
  });

  it("leaves an unparseable message for the redrive policy to move to the DLQ", async () => {
    await createQueues();
    const lines = startAgent(fastEngine());
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "{not json" }));
    await until(async () => ((await queueDepth(dlqUrl)) === 1 ? true : undefined));
    // Never deleted: each receive logged it and released it (visibility 0) until the redrive moved it.
    expect(lines.filter((l) => l.event === "message.unparseable").length).toBeGreaterThanOrEqual(2);
    expect(await queueDepth(queueUrl)).toBe(0);
    expect(sfnCalls).toEqual([]);
    await agent?.stop();
    const inDlq = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 1 }));
    expect(inDlq.Messages?.[0]?.Body).toBe("{not json");
  });

  it("fails in-flight orders when stopping outlasts the grace period", async () => {
    await createQueues();
    const lines = startAgent(new SimulatedEngine({ relThroughput: 0.001, latencyScale: 1 }), {
      stopGraceMs: 200,
    });
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: orderMessage("ord_5", "tok-5") }),
    );
    await until(() => lines.find((l) => l.event === "order.started"));
    await agent?.stop();
    expect(sfnCalls.find((c) => c.action === "SendTaskFailure")?.input).toMatchObject({
      taskToken: "tok-5",
      error: "EngineError",
    });
    expect(lines.find((l) => l.event === "order.done")).toMatchObject({ outcome: "failed" });
    expect(lines.at(-1)?.event).toBe("agent.stopped");
  });
});
