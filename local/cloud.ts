import "./polyfills";
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import http, { type Server } from "node:http";
import path from "node:path";
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { watchLaunchers } from "./ancestors";
import { HttpApiService } from "./apigateway/http-api-service";
import { type LocalCloudConfig, readConfig } from "./config";
import { readCloudAssembly } from "./deploy/cloud-assembly";
import { ACCOUNT_ID, type DeployTargets, deployStacks, REGION } from "./deploy/deployer";
import { DynamoDbLocal, JavaMissingError } from "./dynamodb/dynamodb-local";
import { createEdgeServer } from "./edge-server";
import type { PoolOptions } from "./lambda/function-pool";
import { LambdaService } from "./lambda/lambda-service";
import { Scheduler } from "./scheduler/scheduler";
import { SqsService } from "./sqs/sqs-service";
import { SfnService } from "./stepfunctions/sfn-service";
import { TaskTokens } from "./stepfunctions/task-tokens";
import { WorkerSupervisor } from "./workers/worker-supervisor";

// `npm start`: synthesize the CDK app, start the local services behind one edge port, deploy the synthesized
// templates onto them, start a simulated worker per fleet, write .local/outputs.json.

const REPO_ROOT = path.resolve(import.meta.dirname, "..");
const SYNTH_TIMEOUT_MS = 80_000;
const WORKER_READY_TIMEOUT_MS = 30_000;
const LOCAL_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

class StartupError extends Error {
  override name = "StartupError";
}

const log = (line: string) => process.stdout.write(`[local-cloud] ${line}\n`);

// The AWS SDK warns on every Node < 22 process (9 lines each); this is its documented switch. Set before any
// client exists; inherited by synth, Lambda runtimes and workers.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

async function main(): Promise<void> {
  const startedAt = Date.now();
  const config = readConfig(process.env, REPO_ROOT);
  const edgeUrl = `http://127.0.0.1:${config.edgePort}`;
  const apiUrl = `http://127.0.0.1:${config.apiPort}`;
  const outputsFile = path.join(config.stateDir, "outputs.json");
  const logDir = path.join(config.stateDir, "logs");
  // Nothing in the state dir is touched before both ports are bound: a second `npm start` that fails on a
  // taken port must leave the running instance's outputs.json, java pid file and build alone.
  let ownsState = false;

  const dynamodb = new DynamoDbLocal();
  const lambdaOptions: PoolOptions = { maxProcesses: config.lambdaProcesses, edgeUrl, logDir };
  const lambda = new LambdaService(lambdaOptions);
  const sqsClient = new SQSClient({
    region: REGION,
    endpoint: edgeUrl,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 2,
  });
  const tokens = new TaskTokens();
  const sfn = new SfnService(
    {
      tokens,
      invokeLambda: (fn, payload) => lambda.invoke(fn, payload),
      sendMessage: (params) => sqsClient.send(new SendMessageCommand(params as never)),
    },
    REGION,
    ACCOUNT_ID,
  );
  const httpApi = new HttpApiService((arn, event) => lambda.invoke(arn, event), REGION, ACCOUNT_ID);
  const scheduler = new Scheduler(
    (arn, event) => lambda.invoke(arn, event),
    config.scheduleScale,
    REGION,
    ACCOUNT_ID,
    log,
  );
  const workers = new WorkerSupervisor({
    repoRoot: REPO_ROOT,
    edgeUrl,
    stateDir: config.stateDir,
    logDir,
    latencyScale: config.workerLatencyScale,
    concurrency: config.workerConcurrency,
    log,
  });
  const servers: Server[] = [];

  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    scheduler.stop();
    workers.stop();
    sfn.close();
    lambda.close();
    dynamodb.stop();
    for (const server of servers) server.closeAllConnections();
    for (const server of servers) server.close();
    if (ownsState) rmSync(outputsFile, { force: true });
    process.exit(code);
  };
  process.on("SIGINT", () => stop(130));
  process.on("SIGTERM", () => stop(143));
  process.on("SIGHUP", () => stop(129));
  // SIGTERM/SIGKILL to npm or tsx does not reach this process: shut down when a launcher above us is gone.
  watchLaunchers(() => {
    log("npm/tsx above the local cloud exited; shutting down");
    stop(129);
  });
  // Last resort (an exception escaped): still take the children down with us.
  process.on("exit", () => {
    workers.stop();
    lambda.close();
    dynamodb.stop();
  });

  try {
    const sqs = new SqsService(config.edgePort, REGION, ACCOUNT_ID);
    // Bind both ports first: a taken port should fail in a second, not after the synth.
    servers.push(
      await listen(createEdgeServer({ dynamodb, sqs, sfn, lambda, httpApi }), config.edgePort, "EDGE_PORT"),
    );
    const apiServer = http.createServer((req, res) => {
      const apiId = httpApi.apiIds()[0];
      if (!apiId) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: "Not Found" }));
        return;
      }
      httpApi.handle(apiId, req, res).catch(() => res.destroy());
    });
    apiServer.requestTimeout = 0;
    servers.push(await listen(apiServer, config.apiPort, "API_PORT"));
    // Both ports are ours: from here on the state dir belongs to this instance.
    ownsState = true;
    mkdirSync(logDir, { recursive: true });
    // A stale file from an earlier run must not look like a ready cloud.
    rmSync(outputsFile, { force: true });

    // The worker bundle is built meanwhile (esbuild, about a second) so each worker starts without tsx.
    await Promise.all([
      dynamodb.start(path.join(config.stateDir, "dynamodb.pid")),
      config.skipSynth ? Promise.resolve() : synth(config),
      config.workers === "none" ? Promise.resolve() : workers.build(),
    ]);
    lambdaOptions.dynamodbUrl = `http://127.0.0.1:${dynamodb.port}`;
    log(`DynamoDB Local and synth ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);

    const adminKey = config.adminKey ?? `sk-admin-${randomBytes(32).toString("base64url")}`;
    const dynamoClient = new DynamoDBClient({
      region: REGION,
      endpoint: `http://127.0.0.1:${dynamodb.port}`,
      credentials: LOCAL_CREDENTIALS,
    });
    const warming: Promise<void>[] = [];
    const targets: DeployTargets = {
      createTable: (name, props) => createTable(dynamoClient, name, props),
      createQueue: async (name, attributes) => {
        const { QueueUrl } = await sqsClient.send(
          new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
        );
        const attrs = await sqsClient.send(
          new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
        );
        return { url: QueueUrl ?? "", arn: attrs.Attributes?.QueueArn ?? "" };
      },
      createStateMachine: async (name, _arn, definition) => {
        sfn.createStateMachine(name, definition);
      },
      createFunction: async (fn) => {
        warming.push(lambda.create(fn));
      },
      createHttpApi: async (api) => httpApi.register(api),
      createSchedule: async (rule, expression, arns) => scheduler.add(rule, expression, arns),
    };
    if (!existsSync(path.join(config.cdkOut, "manifest.json"))) {
      throw new StartupError(
        `no cloud assembly at ${config.cdkOut} (run \`npx cdk synth\` or unset LOCAL_SKIP_SYNTH)`,
      );
    }
    const stacks = readCloudAssembly(config.cdkOut);
    const adminKeySha256 = createHash("sha256").update(adminKey).digest("hex");
    const deployed = await deployStacks(stacks, { AdminKeySha256: adminKeySha256 }, targets);
    await Promise.all(warming);

    // API Gateway endpoints in outputs point at AWS; locally the first HTTP API is served on API_PORT.
    const outputs: Record<string, string> = {};
    const firstApi = deployed.apiIds[0];
    for (const [key, value] of Object.entries(deployed.outputs)) {
      outputs[key] = firstApi
        ? value.replaceAll(`https://${firstApi}.execute-api.${REGION}.amazonaws.com`, apiUrl)
        : value;
    }
    const fleets = parseFleets(outputs.FleetQueues);
    const selected =
      config.workers === "all"
        ? fleets
        : config.workers === "none"
          ? {}
          : Object.fromEntries(
              Object.entries(fleets).filter(([id]) => (config.workers as string[]).includes(id)),
            );
    const started = Object.keys(selected).length > 0 && (await workers.start(selected));
    const workersAt = Date.now();
    if (started) {
      // A task's heartbeat clock starts at dispatch: announce readiness only once every worker is polling.
      const queueUrls = Object.values(selected).map((f) => f.queueUrl);
      const idle = await sqs.waitForConsumers(queueUrls, WORKER_READY_TIMEOUT_MS);
      if (idle.length > 0)
        log(`warning: no worker polled ${idle.join(", ")} within ${WORKER_READY_TIMEOUT_MS / 1000} s`);
      else log(`workers polling in ${((Date.now() - workersAt) / 1000).toFixed(1)} s`);
    }
    writeOutputs(outputsFile, { apiUrl, awsEndpoint: edgeUrl, adminKey, region: REGION, outputs, fleets });

    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    log(`ready in ${seconds} s: ${stacks.length} stacks, ${Object.keys(fleets).length} fleets`);
    log(`API:          ${apiUrl}`);
    log(`AWS endpoint: ${edgeUrl}  (AWS_ENDPOINT_URL=${edgeUrl})`);
    log(`admin key:    ${adminKey}`);
    log(`workers:      ${started ? Object.keys(selected).join(", ") : "none"}`);
    log(`outputs:      ${outputsFile}`);
    log(`logs:         ${logDir}`);
    process.stdout.write(tryExample(apiUrl, adminKey, config.adminKey !== undefined));
  } catch (error) {
    process.stderr.write(`[local-cloud] cannot start: ${oneLine(error)}\n`);
    stop(1);
  }
}

/** Copy-paste example: create a buyer, fund it, one chat completion. */
function tryExample(apiUrl: string, adminKey: string, keyFromEnv: boolean): string {
  const json = "-H 'Content-Type: application/json'";
  return [
    "[local-cloud] try (bash; needs jq):",
    `  API=${apiUrl}`,
    `  ADMIN=${adminKey}`,
    `  BUYER=$(curl -s -X POST $API/v1/accounts -H "Authorization: Bearer $ADMIN" ${json} -d '{"name":"Acme","kind":"enterprise"}')`,
    `  ID=$(echo "$BUYER" | jq -r .id); KEY=$(echo "$BUYER" | jq -r .api_key)`,
    `  curl -s -X POST $API/v1/accounts/$ID/credits -H "Authorization: Bearer $ADMIN" ${json} -d '{"amount_micros":"10000000","source":"paid","reference":"welcome"}'`,
    `  curl -s -X POST $API/v1/chat/completions -H "Authorization: Bearer $KEY" ${json} -d '{"model":"deepseek-flash","messages":[{"role":"user","content":"hi"}]}'`,
    "[local-cloud] state is in memory: a restart forgets accounts, balances and orders" +
      (keyFromEnv ? "." : " and makes a new admin key (set PLATFORM_ADMIN_KEY to keep one)."),
    "",
  ].join("\n");
}

function listen(server: Server, port: number, name: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new StartupError(
              `port ${port} is already in use (set ${name} to another port or stop what uses it)`,
            )
          : error,
      );
    });
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

function synth(config: LocalCloudConfig): Promise<void> {
  const localCdk = path.join(config.repoRoot, "node_modules", ".bin", "cdk");
  const [command, args] = existsSync(localCdk)
    ? [localCdk, ["synth", "--quiet"]]
    : ["npx", ["cdk", "synth", "--quiet"]];
  return new Promise((resolve, reject) => {
    let output = "";
    const child = spawn(command, args, { cwd: config.repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const timer = setTimeout(() => child.kill("SIGKILL"), SYNTH_TIMEOUT_MS);
    child.on("error", (error) => reject(new StartupError(`cdk synth could not run: ${error.message}`)));
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else {
        process.stderr.write(output);
        reject(new StartupError(`cdk synth failed (exit ${code}); its output is above`));
      }
    });
  });
}

async function createTable(
  client: DynamoDBClient,
  name: string,
  props: Record<string, unknown>,
): Promise<void> {
  const billingMode =
    (props.BillingMode as string | undefined) ??
    (props.ProvisionedThroughput ? "PROVISIONED" : "PAY_PER_REQUEST");
  const input = {
    TableName: name,
    KeySchema: props.KeySchema,
    AttributeDefinitions: props.AttributeDefinitions,
    BillingMode: billingMode,
    ProvisionedThroughput: billingMode === "PROVISIONED" ? props.ProvisionedThroughput : undefined,
    GlobalSecondaryIndexes: (props.GlobalSecondaryIndexes as Record<string, unknown>[] | undefined)?.map(
      (gsi) => ({
        IndexName: gsi.IndexName,
        KeySchema: gsi.KeySchema,
        Projection: gsi.Projection,
        ProvisionedThroughput: billingMode === "PROVISIONED" ? gsi.ProvisionedThroughput : undefined,
      }),
    ),
    LocalSecondaryIndexes: props.LocalSecondaryIndexes,
    StreamSpecification: (props.StreamSpecification as { StreamViewType?: string } | undefined)
      ?.StreamViewType
      ? {
          StreamEnabled: true,
          StreamViewType: (props.StreamSpecification as { StreamViewType: string }).StreamViewType,
        }
      : undefined,
  } as CreateTableCommandInput;
  await client.send(new CreateTableCommand(input));
  const ttl = props.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
  if (ttl?.Enabled && ttl.AttributeName) {
    await client
      .send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
        }),
      )
      .catch(() => {
        // TTL is best effort locally: DynamoDB Local accepts it but expiry timing is not what the platform relies on.
      });
  }
}

function parseFleets(value: string | undefined): Record<string, { queueUrl: string; dlqUrl: string }> {
  if (!value) return {};
  try {
    return JSON.parse(value) as Record<string, { queueUrl: string; dlqUrl: string }>;
  } catch {
    throw new StartupError("stack output FleetQueues is not JSON");
  }
}

function writeOutputs(file: string, content: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

function oneLine(error: unknown): string {
  if (error instanceof StartupError || error instanceof JavaMissingError) return error.message;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return message.split("\n")[0] ?? message;
}

await main();
