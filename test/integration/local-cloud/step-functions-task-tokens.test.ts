import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from "@aws-sdk/client-sfn";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { clients, sleep, uniqueName } from "./aws-clients";

// Task tokens, heartbeats and timeouts through the official SDK clients: the behaviours the platform's
// DispatchToFleet step relies on and emulators commonly get wrong.

let sfn: SFNClient;
let sqs: SQSClient;

beforeAll(() => {
  ({ sfn, sqs } = clients(inject("outputs").awsEndpoint));
});

interface DispatchOptions {
  heartbeatSeconds?: number;
  timeoutSeconds: number;
}

/** A state machine that sends `{taskToken, orderId}` to a fresh queue and waits for the token. */
async function dispatchMachine(opts: DispatchOptions) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("dispatch") }));
  const definition = {
    StartAt: "Dispatch",
    States: {
      Dispatch: {
        Type: "Task",
        Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        Parameters: { QueueUrl, MessageBody: { "taskToken.$": "$$.Task.Token", "orderId.$": "$.orderId" } },
        ...(opts.heartbeatSeconds ? { HeartbeatSeconds: opts.heartbeatSeconds } : {}),
        TimeoutSeconds: opts.timeoutSeconds,
        ResultPath: "$.execution",
        Catch: [
          { ErrorEquals: ["EngineError"], ResultPath: "$.error", Next: "CaughtEngineError" },
          { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "CaughtOther" },
        ],
        End: true,
      },
      CaughtEngineError: { Type: "Pass", Result: "engine", ResultPath: "$.caughtBy", End: true },
      CaughtOther: { Type: "Pass", Result: "other", ResultPath: "$.caughtBy", End: true },
    },
  };
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({
      name: uniqueName("dispatch"),
      definition: JSON.stringify(definition),
      roleArn: "arn:aws:iam::000000000000:role/local",
    }),
  );
  return { queueUrl: QueueUrl as string, stateMachineArn: stateMachineArn as string };
}

async function receiveTask(
  queueUrl: string,
): Promise<{ taskToken: string; orderId: string; receipt: string }> {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 10 }),
  );
  const message = Messages?.[0];
  if (!message?.Body) throw new Error("no task message arrived");
  return {
    ...(JSON.parse(message.Body) as { taskToken: string; orderId: string }),
    receipt: message.ReceiptHandle ?? "",
  };
}

async function waitForEnd(executionArn: string, timeoutMs = 30_000): Promise<DescribeExecutionCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== "RUNNING") return execution;
    await sleep(100);
  }
  throw new Error(`execution ${executionArn} still running after ${timeoutMs} ms`);
}

describe("waitForTaskToken tasks", () => {
  it("a worker that heartbeats and succeeds completes the execution with its output", async () => {
    const { queueUrl, stateMachineArn } = await dispatchMachine({ heartbeatSeconds: 2, timeoutSeconds: 20 });
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ orderId: "ord_1" }) }),
    );
    const task = await receiveTask(queueUrl);
    expect(task.orderId).toBe("ord_1");
    // Three heartbeats over 3 s keep a 2 s heartbeat window open for longer than one window.
    for (let i = 0; i < 3; i++) {
      await sleep(1000);
      await sfn.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
    }
    await sfn.send(
      new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify({ content: "hi" }) }),
    );
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: task.receipt }));
    const execution = await waitForEnd(executionArn as string);
    expect(execution.status).toBe("SUCCEEDED");
    expect(JSON.parse(execution.output ?? "{}")).toEqual({ orderId: "ord_1", execution: { content: "hi" } });
  });

  it("a task without heartbeats within HeartbeatSeconds is caught as States.HeartbeatTimeout", async () => {
    const { queueUrl, stateMachineArn } = await dispatchMachine({ heartbeatSeconds: 1, timeoutSeconds: 20 });
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ orderId: "ord_2" }) }),
    );
    await receiveTask(queueUrl);
    const execution = await waitForEnd(executionArn as string);
    const output = JSON.parse(execution.output ?? "{}");
    expect(output.error.Error).toBe("States.HeartbeatTimeout");
    expect(output.caughtBy).toBe("other");
  });

  it("a task that outlives TimeoutSeconds is caught as States.Timeout", async () => {
    const { queueUrl, stateMachineArn } = await dispatchMachine({ timeoutSeconds: 1 });
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ orderId: "ord_3" }) }),
    );
    await receiveTask(queueUrl);
    const output = JSON.parse((await waitForEnd(executionArn as string)).output ?? "{}");
    expect(output.error.Error).toBe("States.Timeout");
  });

  it("SendTaskFailure with an error name is caught by a Catch on that name", async () => {
    const { queueUrl, stateMachineArn } = await dispatchMachine({ heartbeatSeconds: 5, timeoutSeconds: 20 });
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ orderId: "ord_4" }) }),
    );
    const task = await receiveTask(queueUrl);
    await sfn.send(
      new SendTaskFailureCommand({ taskToken: task.taskToken, error: "EngineError", cause: "gpu fell off" }),
    );
    const output = JSON.parse((await waitForEnd(executionArn as string)).output ?? "{}");
    expect(output.caughtBy).toBe("engine");
    expect(output.error).toEqual({ Error: "EngineError", Cause: "gpu fell off" });
  });

  it("SendTaskSuccess on a timed-out token fails with TaskTimedOut", async () => {
    const { queueUrl, stateMachineArn } = await dispatchMachine({ timeoutSeconds: 1 });
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ orderId: "ord_5" }) }),
    );
    const task = await receiveTask(queueUrl);
    await waitForEnd(executionArn as string);
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: "{}" })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it("SendTaskHeartbeat with a token nobody issued fails with TaskDoesNotExist", async () => {
    const token = "A".repeat(64);
    await expect(sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }))).rejects.toBeInstanceOf(
      TaskDoesNotExist,
    );
  });

  it("each dispatch gets its own token", async () => {
    const { queueUrl, stateMachineArn } = await dispatchMachine({ timeoutSeconds: 20 });
    const starts = await Promise.all(
      ["ord_a", "ord_b"].map((orderId) =>
        sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ orderId }) })),
      ),
    );
    const tasks = [await receiveTask(queueUrl), await receiveTask(queueUrl)];
    expect(new Set(tasks.map((t) => t.taskToken)).size).toBe(2);
    for (const task of tasks) {
      await sfn.send(
        new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify(task.orderId) }),
      );
    }
    for (const start of starts)
      expect((await waitForEnd(start.executionArn as string)).status).toBe("SUCCEEDED");
  });
});

describe("executions", () => {
  it("StartExecution with the same name and input returns the same execution", async () => {
    const { stateMachineArn } = await dispatchMachine({ timeoutSeconds: 5 });
    const input = JSON.stringify({ orderId: "ord_same" });
    const name = uniqueName("exec");
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input }));
    const second = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input }));
    expect(second.executionArn).toBe(first.executionArn);
  });
});
