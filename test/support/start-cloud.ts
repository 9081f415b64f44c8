import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { freePort } from "./free-port";
import type { LocalOutputs } from "./local-cloud";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const READY_TIMEOUT_MS = 150_000;
const LOG_LINES_KEPT = 400;

export interface StartedCloud {
  outputs: LocalOutputs;
  stateDir: string;
  readyMs: number;
  stop(): Promise<void>;
}

export interface StartCloudOptions {
  /** Fleet ids that get a simulated worker; undefined = all. */
  workerFleets?: readonly string[];
  latencyScale?: number;
  name: string;
}

/** Starts the local cloud exactly as `npm start` does, on free ports and a state dir of its own. */
export async function startLocalCloud(opts: StartCloudOptions): Promise<StartedCloud> {
  const [edgePort, apiPort] = [await freePort(), await freePort()];
  const stateDir = path.join(ROOT, ".local", `${opts.name}-${process.pid}`);
  rmSync(stateDir, { recursive: true, force: true });
  const log: string[] = [];
  const started = Date.now();
  const cloud: ChildProcess = spawn(process.execPath, ["--import", "tsx", "local/cloud.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      EDGE_PORT: String(edgePort),
      API_PORT: String(apiPort),
      LOCAL_STATE_DIR: stateDir,
      LOCAL_WORKERS: opts.workerFleets ? opts.workerFleets.join(",") || "none" : "all",
      LOCAL_WORKER_LATENCY_SCALE: String(opts.latencyScale ?? 0),
      PLATFORM_ADMIN_KEY: "",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const keep = (chunk: Buffer) => {
    log.push(chunk.toString());
    if (log.length > LOG_LINES_KEPT) log.shift();
  };
  cloud.stdout?.on("data", keep);
  cloud.stderr?.on("data", keep);
  const outputsFile = path.join(stateDir, "outputs.json");
  while (!existsSync(outputsFile)) {
    if (cloud.exitCode !== null)
      throw new Error(`local cloud exited with ${cloud.exitCode}:\n${log.join("")}`);
    if (Date.now() - started > READY_TIMEOUT_MS) {
      cloud.kill("SIGKILL");
      throw new Error(`local cloud not ready in ${READY_TIMEOUT_MS} ms:\n${log.join("")}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const readyMs = Date.now() - started;
  const outputs = JSON.parse(readFileSync(outputsFile, "utf8")) as LocalOutputs;
  return {
    outputs,
    stateDir,
    readyMs,
    async stop() {
      if (cloud.exitCode === null) {
        const exited = new Promise((r) => cloud.once("exit", r));
        cloud.kill("SIGTERM");
        const timer = setTimeout(() => cloud.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
