import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { killStaleJava } from "../../../local/dynamodb/dynamodb-local";

// A java left behind by a SIGKILLed local cloud is killed on the next start, and nothing else is.

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function sleeper(extraArg: string) {
  // The extra argument only shows up in the command line, which is what killStaleJava inspects.
  return spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)", extraArg], { stdio: "ignore" });
}

function exited(child: ReturnType<typeof spawn>, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

describe.skipIf(process.platform === "win32")("killStaleJava", () => {
  it("kills a recorded DynamoDB Local process and removes the pid file", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ddb-pid-"));
    dirs.push(dir);
    const pidFile = path.join(dir, "dynamodb.pid");
    const stale = sleeper("/x/DynamoDBLocal.jar");
    writeFileSync(pidFile, `${stale.pid}\n`);
    killStaleJava(pidFile);
    expect(await exited(stale, 5_000)).toBe(true);
    expect(() => readFileSync(pidFile)).toThrow();
  });

  it("leaves a process alone that is not DynamoDB Local (the pid was reused)", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ddb-pid-"));
    dirs.push(dir);
    const pidFile = path.join(dir, "dynamodb.pid");
    const other = sleeper("something-else");
    try {
      writeFileSync(pidFile, `${other.pid}\n`);
      killStaleJava(pidFile);
      expect(await exited(other, 500)).toBe(false);
    } finally {
      other.kill("SIGKILL");
    }
  });
});
