import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, openSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

// One simulated worker agent per fleet (workers/cli.ts), restarted if it dies unexpectedly (bounded).

const MAX_RESTARTS = 5;
const RESTART_DELAY_MS = 1_000;

export interface WorkerOptions {
  repoRoot: string;
  edgeUrl: string;
  stateDir: string;
  logDir: string;
  latencyScale: string | undefined;
  concurrency: number;
  log: (line: string) => void;
}

export class WorkerSupervisor {
  private readonly children = new Map<string, ChildProcess>();
  private stopping = false;

  constructor(private readonly options: WorkerOptions) {}

  /** Starts workers for `fleets`; returns false (after a warning) when the worker CLI does not exist. */
  start(fleets: Record<string, { queueUrl: string }>): boolean {
    const cli = path.join(this.options.repoRoot, "workers", "cli.ts");
    if (!existsSync(cli)) {
      this.options.log(`warning: ${cli} not found, no workers started`);
      return false;
    }
    for (const [fleetId, { queueUrl }] of Object.entries(fleets)) this.spawn(cli, fleetId, queueUrl, 0);
    return true;
  }

  stop(): void {
    this.stopping = true;
    for (const child of this.children.values()) child.kill("SIGTERM");
    this.children.clear();
  }

  private spawn(cli: string, fleetId: string, queueUrl: string, restarts: number): void {
    const { options } = this;
    const watch = pathToFileURL(path.join(import.meta.dirname, "parent-watch.mjs")).href;
    const args = [
      "--import",
      "tsx",
      "--import",
      watch,
      cli,
      "--fleet",
      fleetId,
      "--engine",
      "simulated",
      "--queue-url",
      queueUrl,
    ];
    args.push("--concurrency", String(options.concurrency));
    if (options.latencyScale !== undefined) args.push("--latency-scale", options.latencyScale);
    const logFd = openSync(path.join(options.logDir, `worker-${fleetId}.log`), "a");
    const child = spawn(process.execPath, args, {
      cwd: options.repoRoot,
      stdio: ["ignore", logFd, logFd],
      env: {
        ...process.env,
        AWS_ENDPOINT_URL: options.edgeUrl,
        AWS_REGION: "us-east-1",
        AWS_DEFAULT_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
        LOCAL_STATE_DIR: options.stateDir,
        LOCAL_CLOUD_PID: String(process.pid),
      },
    });
    this.children.set(fleetId, child);
    child.on("exit", (code, signal) => {
      if (this.stopping || this.children.get(fleetId) !== child) return;
      this.children.delete(fleetId);
      // Exit code 2 is the CLI's usage/configuration error: restarting cannot fix it.
      if (code === 2 || restarts >= MAX_RESTARTS) {
        options.log(
          `worker ${fleetId} exited (${code ?? signal}); not restarting (${restarts} restarts so far)`,
        );
        return;
      }
      options.log(`worker ${fleetId} exited (${code ?? signal}); restarting`);
      setTimeout(() => {
        if (!this.stopping) this.spawn(cli, fleetId, queueUrl, restarts + 1);
      }, RESTART_DELAY_MS).unref();
    });
  }
}
