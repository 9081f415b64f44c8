import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { WorkerAgent } from "../../../workers/agent";
import { createSfnClient, createSqsClient } from "../../../workers/aws-clients";
import { SimulatedEngine } from "../../../workers/engines/simulated";
import type { Log } from "../../../workers/log";
import { CHAOS_FLEET_ID } from "../../support/local-cloud";

// The worker agent against the real local cloud (SQS with redrive, Step Functions task tokens),
// through the official SDK clients. It polls a queue pair of its own, made here with the same redrive
// policy as a fleet queue (maxReceiveCount 3), so no other suite's messages can reach it.

const outputs = inject("outputs");
const MAX_RECEIVE_COUNT = 3;
let fleet: { queueUrl: string; dlqUrl: string } | undefined;
const aws = { region: outputs.region, sqsEndpoint: outputs.awsEndpoint, sfnEndpoint: outputs.awsEndpoint };
const sqs = createSqsClient(aws);
const sfn = createSfnClient(aws);
let agent: WorkerAgent | undefined;

function queues(): { queueUrl: string; dlqUrl: string } {
  if (fleet === undefined) throw new Error("the test queues were not created");
  return fleet;
}

function startAgent(): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [];
  const log: Log = (level, event, fields) => lines.push({ level, event, ...fields });
  agent = new WorkerAgent({
    fleetId: CHAOS_FLEET_ID,
    queueUrl: queues().queueUrl,
    hostId: "host-integration",
    engine: new SimulatedEngine({ relThroughput: 1, latencyScale: 0 }),
    sqs,
    sfn,
    log,
    concurrency: 1,
    waitTimeSeconds: 1,
  });
  agent.start();
  return lines;
}

async function depth(queueUrl: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  const suffix = `${process.pid}-${Date.now()}`;
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `agent-it-dlq-${suffix}` }));
  const dlqArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ["QueueArn"] }))
  ).Attributes?.QueueArn;
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `agent-it-${suffix}`,
      Attributes: {
        VisibilityTimeout: "30",
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: MAX_RECEIVE_COUNT }),
      },
    }),
  );
  if (queue.QueueUrl === undefined || dlq.QueueUrl === undefined) throw new Error("queues not created");
  fleet = { queueUrl: queue.QueueUrl, dlqUrl: dlq.QueueUrl };
});

afterEach(async () => {
  await agent?.stop();
  agent = undefined;
});

describe("worker agent on the local cloud", () => {
  it("moves a message it cannot parse to the DLQ after maxReceiveCount receives", async () => {
    const { queueUrl, dlqUrl } = queues();
    const body = `poison ${Date.now()}`;
    const lines = startAgent();
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    const dead = await until("the poison message in the DLQ", async () => {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 1 }));
      return out.Messages?.find((m) => m.Body === body);
    });
    expect(dead.Body).toBe(body);
    expect(lines.some((l) => l.event === "message.unparseable")).toBe(true);
    expect(lines.some((l) => l.event === "order.started")).toBe(false);
    expect(await depth(queueUrl)).toBe(0);
  });

  it("deletes a message whose task token Step Functions does not know", async () => {
    const { queueUrl, dlqUrl } = queues();
    const dlqDepthBefore = await depth(dlqUrl);
    const lines = startAgent();
    const orderId = `ord_bogus_${Date.now()}`;
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify({
          version: 1,
          taskToken: `bogus-token-${Date.now()}`,
          orderId,
          fleetId: CHAOS_FLEET_ID,
          model: "deepseek-r1",
          request: { messages: [{ role: "user", content: "hello" }], max_tokens: 16 },
          heartbeatSeconds: 10,
        }),
      }),
    );
    const done = await until("the order to be done", () =>
      lines.find((l) => l.event === "order.done" && l.orderId === orderId),
    );
    expect(done).toMatchObject({ outcome: "gone", messageDeleted: true });
    expect(["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"]).toContain(done.reason);
    expect(lines.find((l) => l.event === "order.started")).toMatchObject({ orderId });
    expect(await depth(queueUrl)).toBe(0);
    expect(await depth(dlqUrl)).toBe(dlqDepthBefore);
  });
});
