import { DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DescribeExecutionCommand, type SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalOutputs } from "../../support/local-cloud";
import { clients, sleep } from "./aws-clients";
import { type FixtureCloud, startFixtureCloud } from "./fixture-cloud";

// The deployer, the Lambda runtime and the HTTP API, against the hand-written fixture assembly.

let cloud: FixtureCloud;
let out: LocalOutputs;
let sfn: SFNClient;
let sqs: SQSClient;
let dynamodb: DynamoDBClient;

beforeAll(async () => {
  cloud = await startFixtureCloud();
  out = cloud.outputs;
  ({ sfn, sqs, dynamodb } = clients(out.awsEndpoint));
});

afterAll(async () => {
  await cloud?.stop();
});

async function waitForEnd(executionArn: string) {
  for (let i = 0; i < 300; i++) {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== "RUNNING") return execution;
    await sleep(100);
  }
  throw new Error("execution did not end");
}

async function invoke(name: string, payload: unknown) {
  const res = await fetch(`${out.awsEndpoint}/2015-03-31/functions/${name}/invocations`, {
    method: "POST",
    body: JSON.stringify(payload),
  });
  return {
    functionError: res.headers.get("x-amz-function-error"),
    body: (await res.json()) as Record<string, unknown>,
  };
}

describe("deploying the synthesized templates", () => {
  it("resolves intrinsics, cross-stack imports and conditions in outputs", () => {
    expect(out.outputs.TableName).toMatch(/^Fixture-Data-Table-[0-9A-F]{12}$/);
    expect(out.outputs.RegionCheck).toBe("east");
    expect(out.outputs.SubCheck).toBe(
      `Fixture-Platform/arn:aws:lambda:us-east-1:000000000000:function:${out.outputs.EchoFunctionName}/x`,
    );
    expect(out.outputs.StateMachineArn).toMatch(/^arn:aws:states:us-east-1:000000000000:stateMachine:/);
    expect(out.fleets["test-fleet"]?.queueUrl).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/000000000000\/Fixture-Platform-FleetQueue-/,
    );
  });

  it("creates the table with its global secondary index", async () => {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: out.outputs.TableName }));
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(["gsi1"]);
  });

  it("gives a function its template environment and a Lambda context", async () => {
    const { functionError, body } = await invoke(String(out.outputs.EchoFunctionName), { hello: 1 });
    expect(functionError).toBeNull();
    expect(body).toMatchObject({
      echo: { hello: 1 },
      greeting: "hello-us-east-1",
      tableName: out.outputs.TableName,
      functionName: out.outputs.EchoFunctionName,
      endpoint: out.awsEndpoint,
      memory: "256",
    });
    expect(body.remainingMs).toBeGreaterThan(1000);
    expect(body.remainingMs).toBeLessThanOrEqual(2000);
  });

  it("fails an invocation that outlives the function timeout", async () => {
    const { functionError, body } = await invoke(String(out.outputs.EchoFunctionName), { sleepMs: 3000 });
    expect(functionError).toBe("Unhandled");
    expect(body.errorType).toBe("Sandbox.Timedout");
  });

  it("replaces a crashed function process and fails only what was in flight", async () => {
    const crashed = await invoke(String(out.outputs.EchoFunctionName), { crash: true, sleepMs: 200 });
    expect(crashed.functionError).toBe("Unhandled");
    const next = await invoke(String(out.outputs.EchoFunctionName), { again: true });
    expect(next.functionError).toBeNull();
  });
});

describe("state machine from the template", () => {
  it("a Lambda task that throws a named error is caught by that name", async () => {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: out.outputs.StateMachineArn,
        input: JSON.stringify({ orderId: "ord_poor", fail: true }),
      }),
    );
    const execution = await waitForEnd(executionArn as string);
    expect(execution.status).toBe("FAILED");
    expect(execution.error).toBe("Refused");
  });

  it("substitutions reach the dispatch step, which sends the task token to the fleet queue", async () => {
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: out.outputs.StateMachineArn,
        input: JSON.stringify({ orderId: "ord_ok" }),
      }),
    );
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: out.fleets["test-fleet"]?.queueUrl, WaitTimeSeconds: 10 }),
    );
    const body = JSON.parse(Messages?.[0]?.Body ?? "{}");
    expect(body.orderId).toBe("ord_ok");
    expect(body.taskToken).toMatch(/^[A-Za-z0-9_-]{32,}$/);
  });
});

describe("HTTP API", () => {
  const call = (path: string, init: RequestInit = {}) => fetch(`${out.apiUrl}${path}`, init);

  it("a route without an authorizer reaches the integration with a payload 2.0 event", async () => {
    const res = await call("/v1/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      routeKey: "GET /v1/health",
      rawPath: "/v1/health",
      authorizer: null,
    });
  });

  it("a request without the identity source header is refused with 401 without calling the authorizer", async () => {
    const res = await call("/v1/orders/ord_1");
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: "Unauthorized" });
  });

  it("a request the authorizer refuses gets 403", async () => {
    const res = await call("/v1/orders/ord_1", { headers: { authorization: "Bearer nope" } });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ message: "Forbidden" });
  });

  it("an authorized request carries path parameters, query and the authorizer context", async () => {
    const res = await call("/v1/orders/ord_9?limit=5&tag=a&tag=b", {
      headers: { authorization: "Bearer ok" },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("set-cookie")).toBe("a=1; Path=/");
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      routeKey: "GET /v1/orders/{id}",
      pathParameters: { id: "ord_9" },
      query: { limit: "5", tag: "a,b" },
      authorizer: { lambda: { accountId: "acc_1", adminKeyHashLength: 64 } },
    });
  });

  it("authorizer results are cached per identity source", async () => {
    const calls = async () => {
      const res = await call("/v1/orders/x", { headers: { authorization: "Bearer ok" } });
      return ((await res.json()) as { authorizer: { lambda: { calls: number } } }).authorizer.lambda.calls;
    };
    expect(await calls()).toBe(await calls());
  });

  it("an unmatched path falls to the greedy route", async () => {
    const res = await call("/v2/anything/here", {
      method: "POST",
      body: "{}",
      headers: { authorization: "Bearer ok" },
    });
    expect(await res.json()).toMatchObject({
      routeKey: "ANY /{proxy+}",
      pathParameters: { proxy: "v2/anything/here" },
    });
  });

  it("a plain object result becomes a 200 JSON response", async () => {
    const res = await call("/v1/plain", { headers: { authorization: "Bearer ok" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ plain: true });
  });

  it("an integration that throws answers 500 Internal Server Error", async () => {
    const res = await call("/v1/throw", { headers: { authorization: "Bearer ok" } });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ message: "Internal Server Error" });
  });

  it("a body over 10 MB is refused with 413", async () => {
    const res = await call("/v1/chat/completions", {
      method: "POST",
      body: "x".repeat(10 * 1024 * 1024 + 1),
      headers: { authorization: "Bearer ok" },
    });
    expect(res.status).toBe(413);
  });

  it("a binary body reaches the integration base64-encoded", async () => {
    const res = await call("/v1/chat/completions", {
      method: "POST",
      body: new Uint8Array([0, 1, 2, 255]),
      headers: { authorization: "Bearer ok", "content-type": "application/octet-stream" },
    });
    expect(await res.json()).toMatchObject({ isBase64Encoded: true, body: "AAEC/w==" });
  });
});
