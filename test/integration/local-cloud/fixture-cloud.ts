import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { freePort } from "../../../local/net-util";
import type { LocalOutputs } from "../../support/local-cloud";

// A second local cloud deployed from the hand-written fixture assembly (test/fixtures/local-cloud/assembly):
// tests of the deployer, HTTP API and Lambda runtime must not depend on the platform's own functions.

const ROOT = path.resolve(import.meta.dirname, "..", "..", "..");
const READY_TIMEOUT_MS = 90_000;

export interface FixtureCloud {
  outputs: LocalOutputs;
  stateDir: string;
  stop(): Promise<void>;
}

export async function startFixtureCloud(env: Record<string, string> = {}): Promise<FixtureCloud> {
  const stateDir = path.join(ROOT, ".local", `fixture-${process.pid}-${Date.now()}`);
  const edgePort = await freePort();
  const apiPort = await freePort();
  let log = "";
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "local/cloud.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      EDGE_PORT: String(edgePort),
      API_PORT: String(apiPort),
      LOCAL_STATE_DIR: stateDir,
      LOCAL_CDK_OUT: "test/fixtures/local-cloud/assembly",
      LOCAL_WORKERS: "none",
      PLATFORM_ADMIN_KEY: "sk-admin-fixture",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const file = path.join(stateDir, "outputs.json");
  const started = Date.now();
  while (!existsSync(file)) {
    if (child.exitCode !== null) throw new Error(`fixture cloud exited (${child.exitCode}):\n${log}`);
    if (Date.now() - started > READY_TIMEOUT_MS) {
      child.kill("SIGKILL");
      throw new Error(`fixture cloud not ready:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    outputs: JSON.parse(readFileSync(file, "utf8")) as LocalOutputs,
    stateDir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
