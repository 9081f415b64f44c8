import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

// One simulated worker agent per fleet (workers/cli.ts), restarted if it dies unexpectedly (bounded).
// workers/cli.ts is bundled once per start with esbuild into $LOCAL_STATE_DIR/build/worker.mjs and each fleet
// runs `node worker.mjs`: compiling TypeScript with tsx in every worker process cost ~10 s per start on 2 cores.
// If the bundle cannot be built the workers fall back to tsx.

const MAX_RESTARTS = 5;
const RESTART_DELAY_MS = 1_000;

export interface WorkerOptions {
  repoRoot: string;
  edgeUrl: string;
  stateDir: string;
  logDir: string;
  latencyScale: string | undefined;
  /** `--concurrency` for every worker; undefined: the worker's own default. */
  concurrency: number | undefined;
  log: (line: string) => void;
}

export class WorkerSupervisor {
  private readonly children = new Map<string, ChildProcess>();
  private stopping = false;
  private bundle: Promise<string | undefined> | undefined;

  constructor(private readonly options: WorkerOptions) {}

  private get cli(): string {
    return path.join(this.options.repoRoot, "workers", "cli.ts");
  }

  /** Bundles workers/cli.ts; resolves to the bundle's path, or undefined (after a warning) to use tsx. */
  build(): Promise<string | undefined> {
    this.bundle ??= this.esbuild();
    return this.bundle;
  }

  private async esbuild(): Promise<string | undefined> {
    if (!existsSync(this.cli)) return undefined;
    const outfile = path.join(this.options.stateDir, "build", "worker.mjs");
    try {
      mkdirSync(path.dirname(outfile), { recursive: true });
      const { build } = await import("esbuild");
      await build({
        entryPoints: [this.cli],
        outfile,
        platform: "node",
        format: "esm",
        target: `node${process.versions.node.split(".")[0]}`,
        bundle: true,
        sourcemap: true,
        logLevel: "silent",
        mainFields: ["module", "main"],
        // Some dependencies still call require(); give the ESM bundle a real one.
        banner: {
          js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
        },
      });
      return outfile;
    } catch (error) {
      const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
      this.options.log(`warning: cannot bundle the worker (${message}); workers run with tsx`);
      return undefined;
    }
  }

  /** Starts workers for `fleets`; returns false (after a warning) when the worker CLI does not exist. */
  async start(fleets: Record<string, { queueUrl: string }>): Promise<boolean> {
    if (!existsSync(this.cli)) {
      this.options.log(`warning: ${this.cli} not found, no workers started`);
      return false;
    }
    const bundle = await this.build();
    const entry = bundle ? ["--enable-source-maps", bundle] : ["--import", "tsx", this.cli];
    for (const [fleetId, { queueUrl }] of Object.entries(fleets)) this.spawn(entry, fleetId, queueUrl, 0);
    return true;
  }

  stop(): void {
    this.stopping = true;
    for (const child of this.children.values()) child.kill("SIGTERM");
    this.children.clear();
  }

  private spawn(entry: string[], fleetId: string, queueUrl: string, restarts: number): void {
    const { options } = this;
    const watch = pathToFileURL(path.join(import.meta.dirname, "parent-watch.mjs")).href;
    const args = [
      "--import",
      watch,
      ...entry,
      "--fleet",
      fleetId,
      "--engine",
      "simulated",
      "--queue-url",
      queueUrl,
    ];
    if (options.concurrency !== undefined) args.push("--concurrency", String(options.concurrency));
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
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
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
        if (!this.stopping) this.spawn(entry, fleetId, queueUrl, restarts + 1);
      }, RESTART_DELAY_MS).unref();
    });
  }
}
