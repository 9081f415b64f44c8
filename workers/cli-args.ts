import { parseArgs } from "node:util";

// Argument parsing for workers/cli.ts, kept pure (argv and env in, config out) so it is unit-tested
// without spawning processes.

export const USAGE = `Usage: tsx workers/cli.ts --fleet <id> [options]
  (or: npm run worker -- --fleet <id> --engine-url http://127.0.0.1:8000)

  --fleet <id>               fleet this host serves (required)
  --engine <name>            simulated | openai-compatible (default: simulated; --engine-url implies openai-compatible)
  --engine-url <url>         base URL of the inference server exposing /v1/chat/completions
  --api-key-env <NAME>       environment variable holding the inference server's API key
  --served-model <name>      model name the server serves (vLLM --served-model-name), if not the order's model id
  --engine-timeout-ms <n>    timeout of one inference call (default 300000)
  --queue-url <url>          fleet queue URL (default: fleets[<id>].queueUrl in $LOCAL_STATE_DIR/outputs.json, .local/)
  --concurrency <n>          concurrent pollers = orders run at once (default: the fleet's capacity slots
                             in the catalog, so every order the platform admits finds a free slot; max 64)
  --latency-scale <x>        simulated: real sleep = modelled busy time × x (default 1; 0 = no sleep)
  --fail-rate <p>            simulated: probability in [0,1] that an order fails with EngineError (default 0)
  --host-id <id>             id reported in results (default host-<hostname>)
  --wait-time-seconds <n>    long-poll wait, 1-20 (default 20); a stop waits for the current poll to end
  --help                     show this help
`;

export type EngineKind = "simulated" | "openai-compatible";

export interface CliConfig {
  fleetId: string;
  engine: EngineKind;
  engineUrl?: string;
  apiKey?: string;
  servedModel?: string;
  engineTimeoutMs: number;
  queueUrl?: string;
  /** Undefined: the fleet's capacity slots (cli.ts), so admission and worker slots agree. */
  concurrency: number | undefined;
  latencyScale: number;
  failRate: number;
  hostId?: string;
  waitTimeSeconds: number;
}

export type CliParse =
  | { kind: "run"; config: CliConfig }
  | { kind: "help" }
  | { kind: "error"; message: string };

export const MAX_CONCURRENCY = 64;
const MAX_LATENCY_SCALE = 1000;
const DEFAULT_ENGINE_TIMEOUT_MS = 300_000;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

class ArgError extends Error {}

export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CliParse {
  try {
    return parseOrThrow(argv, env);
  } catch (error) {
    if (error instanceof ArgError) return { kind: "error", message: error.message };
    // node:util parseArgs throws TypeError with a readable message for unknown/malformed options.
    if (error instanceof TypeError) return { kind: "error", message: error.message };
    throw error;
  }
}

function parseOrThrow(argv: readonly string[], env: NodeJS.ProcessEnv): CliParse {
  const { values, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      fleet: { type: "string" },
      engine: { type: "string" },
      "engine-url": { type: "string" },
      "api-key-env": { type: "string" },
      "served-model": { type: "string" },
      "engine-timeout-ms": { type: "string" },
      "queue-url": { type: "string" },
      concurrency: { type: "string" },
      "latency-scale": { type: "string" },
      "fail-rate": { type: "string" },
      "host-id": { type: "string" },
      "wait-time-seconds": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return { kind: "help" };
  if (positionals.length > 0) throw new ArgError(`unexpected argument: ${positionals[0]}`);

  const fleetId = values.fleet;
  if (fleetId === undefined || fleetId === "") throw new ArgError("--fleet <id> is required");
  if (!ID_PATTERN.test(fleetId)) throw new ArgError(`--fleet: not a valid fleet id: ${fleetId}`);

  const engineUrl = values["engine-url"];
  if (engineUrl !== undefined) httpUrl("--engine-url", engineUrl);
  let engine: EngineKind;
  if (values.engine === undefined) engine = engineUrl === undefined ? "simulated" : "openai-compatible";
  else if (values.engine === "simulated" || values.engine === "openai-compatible") engine = values.engine;
  else throw new ArgError(`--engine must be simulated or openai-compatible, got: ${values.engine}`);

  if (engine === "simulated" && engineUrl !== undefined) {
    throw new ArgError(
      "--engine-url needs --engine openai-compatible (it is implied when --engine is omitted)",
    );
  }
  if (engine === "openai-compatible" && engineUrl === undefined) {
    throw new ArgError("--engine openai-compatible needs --engine-url <url>");
  }
  const simulatedOnly = ["latency-scale", "fail-rate"] as const;
  const serverOnly = ["api-key-env", "served-model", "engine-timeout-ms"] as const;
  for (const name of engine === "simulated" ? serverOnly : simulatedOnly) {
    if (values[name] !== undefined) throw new ArgError(`--${name} does not apply to the ${engine} engine`);
  }

  let apiKey: string | undefined;
  const apiKeyEnv = values["api-key-env"];
  if (apiKeyEnv !== undefined) {
    if (!ENV_NAME_PATTERN.test(apiKeyEnv))
      throw new ArgError(`--api-key-env: not a variable name: ${apiKeyEnv}`);
    apiKey = env[apiKeyEnv];
    if (apiKey === undefined || apiKey === "") throw new ArgError(`--api-key-env: ${apiKeyEnv} is not set`);
  }

  const queueUrl = values["queue-url"];
  if (queueUrl !== undefined) httpUrl("--queue-url", queueUrl);
  const hostId = values["host-id"];
  if (hostId !== undefined && !ID_PATTERN.test(hostId))
    throw new ArgError(`--host-id: not a valid id: ${hostId}`);

  return {
    kind: "run",
    config: {
      fleetId,
      engine,
      engineUrl,
      apiKey,
      servedModel: values["served-model"],
      engineTimeoutMs: integer(
        "--engine-timeout-ms",
        values["engine-timeout-ms"],
        DEFAULT_ENGINE_TIMEOUT_MS,
        1,
        3_600_000,
      ),
      queueUrl,
      concurrency:
        values.concurrency === undefined
          ? undefined
          : integer("--concurrency", values.concurrency, 1, 1, MAX_CONCURRENCY),
      latencyScale: decimal("--latency-scale", values["latency-scale"], 1, 0, MAX_LATENCY_SCALE),
      failRate: decimal("--fail-rate", values["fail-rate"], 0, 0, 1),
      hostId,
      waitTimeSeconds: integer("--wait-time-seconds", values["wait-time-seconds"], 20, 1, 20),
    },
  };
}

function integer(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ArgError(`${flag} must be an integer in [${min}, ${max}], got: ${raw}`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ArgError(`${flag} must be an integer in [${min}, ${max}], got: ${raw}`);
  return value;
}

function decimal(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = raw.trim() === "" ? Number.NaN : Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ArgError(`${flag} must be a number in [${min}, ${max}], got: ${raw}`);
  }
  return value;
}

function httpUrl(flag: string, raw: string): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ArgError(`${flag}: not a URL: ${raw}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new ArgError(`${flag}: must be http(s): ${raw}`);
}
