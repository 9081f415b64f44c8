import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../local/net-util";
import { sleep } from "./aws-clients";
import { type FixtureCloud, startFixtureCloud } from "./fixture-cloud";

// Start-up and shutdown of the local cloud process itself: a failed second start, a launcher that dies.

const ROOT = path.resolve(import.meta.dirname, "..", "..", "..");
const FIXTURE_ENV = {
  LOCAL_CDK_OUT: "test/fixtures/local-cloud/assembly",
  LOCAL_WORKERS: "none",
  PLATFORM_ADMIN_KEY: "sk-admin-fixture",
};

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(100);
  }
  return check();
}

describe("a second start on a taken port", () => {
  let cloud: FixtureCloud;
  beforeAll(async () => {
    cloud = await startFixtureCloud();
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it("fails fast and leaves the running instance's state dir alone", async () => {
    const outputsFile = path.join(cloud.stateDir, "outputs.json");
    const pidFile = path.join(cloud.stateDir, "dynamodb.pid");
    const outputsBefore = readFileSync(outputsFile, "utf8");
    const javaPid = Number(readFileSync(pidFile, "utf8"));
    const result = spawnSync(process.execPath, ["--import", "tsx", "local/cloud.ts"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60_000,
      env: {
        ...process.env,
        ...FIXTURE_ENV,
        EDGE_PORT: new URL(cloud.outputs.awsEndpoint).port,
        API_PORT: new URL(cloud.outputs.apiUrl).port,
        LOCAL_STATE_DIR: cloud.stateDir,
      },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("already in use");
    expect(readFileSync(outputsFile, "utf8")).toBe(outputsBefore);
    expect(Number(readFileSync(pidFile, "utf8"))).toBe(javaPid);
    expect(alive(javaPid)).toBe(true);
    const res = await fetch(`${cloud.outputs.awsEndpoint}/2015-03-31/functions/nope/invocations`, {
      method: "POST",
      body: "{}",
    });
    expect(res.status).toBeGreaterThan(0);
  });
});

describe("when the process that launched the local cloud dies", () => {
  it("the local cloud and DynamoDB Local's java exit", async () => {
    const stateDir = path.join(ROOT, ".local", `lifecycle-${process.pid}-${Date.now()}`);
    // Stands in for npm/tsx: starts cloud.ts, prints its pid, then is killed with SIGKILL.
    const launcher = spawn(
      process.execPath,
      [
        "-e",
        `const c = require("node:child_process").spawn(process.execPath, ["--import", "tsx", "local/cloud.ts"], { stdio: "ignore" });
         console.log(c.pid); setInterval(() => {}, 1000);`,
      ],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "inherit"],
        env: {
          ...process.env,
          ...FIXTURE_ENV,
          EDGE_PORT: String(await freePort()),
          API_PORT: String(await freePort()),
          LOCAL_STATE_DIR: stateDir,
        },
      },
    );
    try {
      const cloudPid = await new Promise<number>((resolve) =>
        launcher.stdout?.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
      );
      expect(await waitFor(() => existsSync(path.join(stateDir, "outputs.json")), 90_000)).toBe(true);
      const javaPid = Number(readFileSync(path.join(stateDir, "dynamodb.pid"), "utf8"));
      expect(alive(javaPid)).toBe(true);

      launcher.kill("SIGKILL");
      expect(await waitFor(() => !alive(cloudPid) && !alive(javaPid), 10_000)).toBe(true);
      expect(existsSync(path.join(stateDir, "outputs.json"))).toBe(false);
    } finally {
      launcher.kill("SIGKILL");
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
