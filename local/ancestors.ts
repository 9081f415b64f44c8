import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

// `npm start` runs npm → sh -c → tsx → node (cloud.ts). SIGTERM/SIGKILL to npm or tsx does not reach cloud.ts:
// the survivors are re-parented and the whole local cloud would keep running. So cloud.ts watches the chain of
// launcher processes above it (node and `sh -c` processes, up to the first non-launcher such as the user's
// shell) and shuts down when one of them is gone or its own parent changed.

const POLL_MS = 1_000;
const MAX_DEPTH = 6;

interface ProcessInfo {
  ppid: number;
  command: string;
}

function info(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // `pid (comm) state ppid ...`; comm may contain spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
    return { ppid, command };
  } catch {
    if (process.platform === "linux") return undefined;
    const ps = spawnSync("ps", ["-o", "ppid=,command=", "-p", String(pid)], { encoding: "utf8" });
    const match = /^\s*(\d+)\s+(.*)$/.exec(ps.stdout ?? "");
    return match ? { ppid: Number(match[1]), command: match[2]?.trim() ?? "" } : undefined;
  }
}

/** A process that only launched us (npm, npx, tsx, node, `sh -c <command>`), not an interactive shell. */
function isLauncher(command: string): boolean {
  const [exe = "", second = ""] = command.split(/\s+/);
  const name = exe.split("/").at(-1) ?? "";
  if (/^(node|nodejs|npm|npx|tsx)$/.test(name)) return true;
  return /^(sh|bash|dash|zsh)$/.test(name) && second === "-c";
}

/** The launcher processes above this one, nearest first (always includes the direct parent). */
export function launcherChain(): number[] {
  const chain: number[] = [process.ppid];
  let pid = process.ppid;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const parent = info(pid)?.ppid;
    if (!parent || parent <= 1) break;
    const parentInfo = info(parent);
    if (!parentInfo || !isLauncher(parentInfo.command)) break;
    chain.push(parent);
    pid = parent;
  }
  return chain;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Calls `onGone` once when the parent changes or a launcher above us exits; polls every second. */
export function watchLaunchers(onGone: () => void): void {
  const parent = process.ppid;
  const chain = launcherChain();
  const timer = setInterval(() => {
    if (process.ppid !== parent || !chain.every(alive)) {
      clearInterval(timer);
      onGone();
    }
  }, POLL_MS);
  timer.unref();
}
