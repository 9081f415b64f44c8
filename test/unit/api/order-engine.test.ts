import type { SFNClient } from "@aws-sdk/client-sfn";
import { ExecutionAlreadyExists } from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import {
  executionArnFor,
  orderIdFor,
  startOrderExecution,
  waitForOrderExecution,
} from "../../../layers/core/src/aws/order-engine";

const ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:order";

/** A fake SFN client answering DescribeExecution from a list of statuses (the last one repeats). */
function fakeSfn(statuses: Record<string, unknown>[]) {
  const calls: string[] = [];
  const client = {
    send: async (command: { constructor: { name: string } }) => {
      calls.push(command.constructor.name);
      return statuses[Math.min(calls.length - 1, statuses.length - 1)];
    },
  };
  return { client: client as unknown as SFNClient, calls };
}

/** A virtual clock: sleep advances time instead of waiting. */
function virtualClock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

describe("waitForOrderExecution", () => {
  it("returns the parsed output once the execution succeeds", async () => {
    const { client } = fakeSfn([{ status: "RUNNING" }, { status: "SUCCEEDED", output: '{"ok":true}' }]);
    const clock = virtualClock();
    const out = await waitForOrderExecution(client, "arn", { maxWaitMs: 1000, ...clock });
    expect(out).toEqual({ status: "SUCCEEDED", output: { ok: true } });
  });

  it("returns FAILED with the execution's error", async () => {
    const { client } = fakeSfn([{ status: "FAILED", error: "OrderRejected", cause: "c" }]);
    const out = await waitForOrderExecution(client, "arn", { maxWaitMs: 1000, ...virtualClock() });
    expect(out).toEqual({ status: "FAILED", error: "OrderRejected", cause: "c" });
  });

  it("backs off from 5 ms by 1.5x up to 100 ms and gives up at the deadline", async () => {
    const { client } = fakeSfn([{ status: "RUNNING" }]);
    const clock = virtualClock();
    const out = await waitForOrderExecution(client, "arn", { maxWaitMs: 2000, ...clock });
    expect(out).toEqual({ status: "RUNNING" });
    expect(clock.sleeps.slice(0, 3)).toEqual([5, 7.5, 11.25]);
    expect(Math.max(...clock.sleeps)).toBe(100);
    expect(clock.now()).toBe(2000);
    expect(clock.sleeps.length).toBeLessThan(40);
  });

  it("polls once and returns RUNNING when the wait is 0", async () => {
    const { client, calls } = fakeSfn([{ status: "RUNNING" }]);
    const out = await waitForOrderExecution(client, "arn", { maxWaitMs: 0, ...virtualClock() });
    expect(out.status).toBe("RUNNING");
    expect(calls).toHaveLength(1);
  });
});

describe("startOrderExecution", () => {
  const input = { orderId: "ord_x", accountId: "acc_1", model: "m", request: {}, createdAt: "t" };

  it("names the execution after the order", async () => {
    let sent: Record<string, unknown> = {};
    const client = {
      send: async (c: { input: Record<string, unknown> }) => {
        sent = c.input;
        return { executionArn: "arn:exec" };
      },
    } as unknown as SFNClient;
    expect(await startOrderExecution(client, ARN, input)).toBe("arn:exec");
    expect(sent.name).toBe("ord_x");
    expect(JSON.parse(String(sent.input))).toEqual(input);
  });

  it("attaches to the existing execution when the name is taken", async () => {
    const client = {
      send: async () => {
        throw new ExecutionAlreadyExists({ message: "exists", $metadata: {} });
      },
    } as unknown as SFNClient;
    expect(await startOrderExecution(client, ARN, input)).toBe(executionArnFor(ARN, "ord_x"));
    expect(executionArnFor(ARN, "ord_x")).toBe("arn:aws:states:us-east-1:123456789012:execution:order:ord_x");
  });
});

describe("orderIdFor", () => {
  it("derives the same valid execution name from the same account and key", () => {
    expect(orderIdFor("acc_1", "k")).toBe(orderIdFor("acc_1", "k"));
    expect(orderIdFor("acc_1", "k")).not.toBe(orderIdFor("acc_2", "k"));
    expect(orderIdFor("acc_1", "k")).toMatch(/^ord_[A-Za-z0-9_-]{1,76}$/);
  });

  it("is random without a key", () => {
    expect(orderIdFor("acc_1", undefined)).not.toBe(orderIdFor("acc_1", undefined));
  });
});
