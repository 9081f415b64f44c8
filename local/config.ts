import path from "node:path";

/** Everything the local cloud reads from the environment, read once at start. */
export interface LocalCloudConfig {
  repoRoot: string;
  edgePort: number;
  apiPort: number;
  stateDir: string;
  skipSynth: boolean;
  cdkOut: string;
  adminKey: string | undefined;
  workers: "all" | "none" | string[];
  workerLatencyScale: string | undefined;
  /** Passed as `--concurrency` only when set; otherwise the worker's own default applies. */
  workerConcurrency: number | undefined;
  scheduleScale: number;
  lambdaProcesses: number;
}

export function readConfig(env: NodeJS.ProcessEnv, repoRoot: string): LocalCloudConfig {
  const workers = (env.LOCAL_WORKERS ?? "all").trim();
  return {
    repoRoot,
    edgePort: port(env.EDGE_PORT, 4566, "EDGE_PORT"),
    apiPort: port(env.API_PORT, 3000, "API_PORT"),
    stateDir: path.resolve(repoRoot, env.LOCAL_STATE_DIR || ".local"),
    skipSynth: env.LOCAL_SKIP_SYNTH === "1" || Boolean(env.LOCAL_CDK_OUT),
    cdkOut: path.resolve(repoRoot, env.LOCAL_CDK_OUT || "cdk.out"),
    adminKey: env.PLATFORM_ADMIN_KEY || undefined,
    workers:
      workers === "all" || workers === ""
        ? "all"
        : workers === "none"
          ? "none"
          : workers
              .split(",")
              .map((s) => s.trim())
              .filter(Boolean),
    workerLatencyScale: env.LOCAL_WORKER_LATENCY_SCALE || undefined,
    workerConcurrency: env.LOCAL_WORKER_CONCURRENCY
      ? positiveInt(env.LOCAL_WORKER_CONCURRENCY, 1, "LOCAL_WORKER_CONCURRENCY")
      : undefined,
    scheduleScale: positiveNumber(env.LOCAL_SCHEDULE_SCALE, 1, "LOCAL_SCHEDULE_SCALE"),
    lambdaProcesses: positiveInt(env.LOCAL_LAMBDA_PROCESSES, 2, "LOCAL_LAMBDA_PROCESSES"),
  };
}

function port(value: string | undefined, fallback: number, name: string): number {
  const n = value ? Number(value) : fallback;
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name} must be a TCP port, got ${value}`);
  return n;
}

function positiveInt(value: string | undefined, fallback: number, name: string): number {
  const n = value ? Number(value) : fallback;
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`${name} must be an integer in 1..1000`);
  return n;
}

function positiveNumber(value: string | undefined, fallback: number, name: string): number {
  const n = value ? Number(value) : fallback;
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
  return n;
}
