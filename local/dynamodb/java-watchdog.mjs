// Runs DynamoDB Local's java as its only child and kills it when the local cloud goes away: on SIGTERM/SIGINT/
// SIGHUP, when the IPC channel to the local cloud closes, or when this process is re-parented (the local cloud
// was killed with SIGKILL and could not stop java itself). Records java's pid in the pid file given as argv[2]
// so the next start can kill a java that survived even this (e.g. the watchdog was SIGKILLed too).
// Usage (fork with an IPC channel): java-watchdog.mjs <pidFile> <cwd> <java args...>
import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";

const [pidFile, cwd, ...javaArgs] = process.argv.slice(2);
const parent = process.ppid;
const java = spawn("java", javaArgs, { cwd, stdio: ["ignore", "inherit", "inherit"] });

let done = false;
const finish = (code) => {
  if (done) return;
  done = true;
  try {
    java.kill("SIGKILL");
  } catch {}
  rmSync(pidFile, { force: true });
  process.exit(code);
};

if (java.pid) writeFileSync(pidFile, `${java.pid}\n`);
java.on("error", (error) => {
  process.stderr.write(`java could not start: ${error.message}\n`);
  finish(127);
});
java.on("exit", (code, signal) => finish(code ?? (signal ? 128 : 1)));
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, () => finish(0));
process.on("disconnect", () => finish(0));
setInterval(() => {
  if (process.ppid !== parent) finish(0);
}, 1000);
