import { hostname } from "node:os";
import { acceleratorFor, fleetById } from "../layers/core/src/catalog/catalog";
import { WorkerAgent } from "./agent";
import { type AwsClientConfig, awsConfigFromEnv, createSfnClient, createSqsClient } from "./aws-clients";
import { type CliConfig, MAX_CONCURRENCY, parseCliArgs, USAGE } from "./cli-args";
import type { InferenceEngine } from "./engines/engine";
import { OpenAiCompatibleEngine } from "./engines/openai-compatible";
import { SimulatedEngine } from "./engines/simulated";
import { countTextTokens } from "./engines/tokenizer";
import { localOutputsPath, readLocalOutputs } from "./local-outputs";
import { describeError, jsonLineLog } from "./log";

// Exit codes: 0 clean stop, 1 runtime failure, 2 bad arguments (like most CLIs).
const EXIT_USAGE = 2;

class UsageError extends Error {}

async function main(): Promise<number> {
  const parsed = parseCliArgs(process.argv.slice(2), process.env);
  if (parsed.kind === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed.kind === "error") {
    process.stderr.write(`error: ${parsed.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const config = parsed.config;
  const log = jsonLineLog();

  let engine: InferenceEngine;
  let queueUrl: string;
  let aws: AwsClientConfig;
  try {
    engine = buildEngine(config);
    ({ queueUrl, aws } = await resolveQueue(config));
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof UsageError ? EXIT_USAGE : 1;
  }

  const agent = new WorkerAgent({
    fleetId: config.fleetId,
    queueUrl,
    hostId: config.hostId ?? `host-${hostname()}`,
    engine,
    sqs: createSqsClient(aws),
    sfn: createSfnClient(aws),
    log,
    // A worker with fewer slots than the platform admits leaves admitted orders queued past their heartbeat
    // window (the clock starts at dispatch), so by default it takes exactly the fleet's capacity.
    concurrency: Math.min(
      config.concurrency ?? fleetById(config.fleetId)?.capacitySlots ?? 1,
      MAX_CONCURRENCY,
    ),
    waitTimeSeconds: config.waitTimeSeconds,
  });

  const stopped = new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      // A second signal means the operator will not wait: leave now, messages reappear on the queue.
      if (signals > 1) {
        log("warn", "agent.forcedExit", { signal });
        process.exit(130);
      }
      log("info", "agent.signal", { signal });
      agent.stop().then(resolve, resolve);
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
  // Build the tokenizer now (about a second) rather than inside the first order's latency.
  countTextTokens("");
  agent.start();
  await stopped;
  return 0;
}

function buildEngine(config: CliConfig): InferenceEngine {
  if (config.engine === "openai-compatible") {
    return new OpenAiCompatibleEngine({
      baseUrl: config.engineUrl ?? "",
      apiKey: config.apiKey,
      servedModel: config.servedModel,
      timeoutMs: config.engineTimeoutMs,
    });
  }
  // The simulated engine models latency from the fleet's chip, so the fleet must be in the catalog.
  const fleet = fleetById(config.fleetId);
  if (fleet === undefined) throw new UsageError(`unknown fleet for the simulated engine: ${config.fleetId}`);
  return new SimulatedEngine({
    relThroughput: acceleratorFor(fleet.chipFamily).relThroughput,
    latencyScale: config.latencyScale,
    failRate: config.failRate,
  });
}

// --queue-url wins; otherwise the local cloud's outputs file, whose endpoint and region also apply
// when the standard AWS_* variables do not say otherwise.
async function resolveQueue(config: CliConfig): Promise<{ queueUrl: string; aws: AwsClientConfig }> {
  const fromEnv = awsConfigFromEnv();
  if (config.queueUrl !== undefined) return { queueUrl: config.queueUrl, aws: fromEnv };
  const path = localOutputsPath(process.env);
  const outputs = await readLocalOutputs(path);
  const fleet = outputs.fleets[config.fleetId];
  if (fleet === undefined) {
    const known = Object.keys(outputs.fleets).join(", ");
    throw new UsageError(`fleet ${config.fleetId} has no queue in ${path} (known: ${known})`);
  }
  return {
    queueUrl: fleet.queueUrl,
    aws: {
      region: process.env.AWS_REGION ? fromEnv.region : (outputs.region ?? fromEnv.region),
      sqsEndpoint: fromEnv.sqsEndpoint ?? outputs.awsEndpoint,
      sfnEndpoint: fromEnv.sfnEndpoint ?? outputs.awsEndpoint,
    },
  };
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`fatal: ${describeError(error)}\n`);
    process.exit(1);
  },
);
