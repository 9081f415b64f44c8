import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { CreateQueueCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FLEETS } from "../../../layers/core/src/catalog/fleets";
import { createSqsClient } from "../../../workers/aws-clients";
import { type LocalServers, startLocalServers, until } from "./local-servers";

// workers/cli.ts as a provider runs it: a real process, real signals, stdout JSON lines.

const ROOT = path.resolve(import.meta.dirname, "..", "..", "..");
let servers: LocalServers;
const procs: ChildProcess[] = [];

function runCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const proc = spawn(process.execPath, ["--import", "tsx", "workers/cli.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  procs.push(proc);
  const out = { stdout: "", stderr: "" };
  proc.stdout?.on("data", (chunk: Buffer) => {
    out.stdout += chunk.toString();
  });
  proc.stderr?.on("data", (chunk: Buffer) => {
    out.stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  return { proc, out, exited };
}

beforeAll(async () => {
  servers = await startLocalServers();
});
afterEach(() => {
  for (const proc of procs.splice(0)) if (proc.exitCode === null) proc.kill("SIGKILL");
});
afterAll(() => servers.close());

describe("workers/cli.ts", () => {
  it("exits 2 with a clear message on bad arguments", async () => {
    const { out, exited } = runCli(["--fleet", "f1", "--concurrency", "0"]);
    expect(await exited).toBe(2);
    expect(out.stderr).toContain("--concurrency must be an integer in [1, 64]");
  });

  it("exits 2 when the simulated engine is asked for a fleet the catalog does not know", async () => {
    const { out, exited } = runCli(["--fleet", "no-such-fleet", "--queue-url", "http://127.0.0.1:1/q"]);
    expect(await exited).toBe(2);
    expect(out.stderr).toContain("unknown fleet");
  });

  it("runs an order from its queue, logs it, and stops cleanly on SIGTERM", async () => {
    const fleet = FLEETS[0];
    if (fleet === undefined) throw new Error("catalog has no fleets");
    const sqs = createSqsClient({ region: "us-east-1", sqsEndpoint: servers.sqsEndpoint });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "cli-fleet" }));
    const { proc, out, exited } = runCli(
      [
        "--fleet",
        fleet.id,
        "--queue-url",
        String(QueueUrl),
        "--latency-scale",
        "0",
        "--concurrency",
        "2",
        "--wait-time-seconds",
        "1",
      ],
      { AWS_ENDPOINT_URL_SQS: servers.sqsEndpoint, AWS_ENDPOINT_URL_SFN: servers.sfnEndpoint },
    );
    await sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: JSON.stringify({
          version: 1,
          taskToken: "tok-cli",
          orderId: "ord_cli",
          fleetId: fleet.id,
          model: "deepseek-flash",
          request: { messages: [{ role: "user", content: "hi" }] },
          heartbeatSeconds: 10,
        }),
      }),
    );
    await until(() => (out.stdout.includes('"event":"order.done"') ? true : undefined), 30_000);
    expect(out.stdout).toMatch(/"event":"order\.started"[^\n]*"orderId":"ord_cli"/);
    expect(servers.sfnCalls.find((c) => c.action === "SendTaskSuccess")?.input.taskToken).toBe("tok-cli");
    proc.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(out.stdout).toContain('"event":"agent.stopped"');
  });
});
