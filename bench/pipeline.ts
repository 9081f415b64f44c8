/**
 * Throughput and platform overhead of the whole order pipeline on the local cloud, with the simulated engine at
 * zero latency, against two baselines measured in the same run: the store's raw transaction rate (DynamoDB Local
 * through the edge port, official SDK) and a direct call of the same engine (no platform at all).
 *
 *   npm run bench                      # defaults below
 *   BENCH_ORDERS=300 BENCH_CONCURRENCY=24 BENCH_ROUNDS=3 BENCH_SERIAL_ORDERS=40 npm run bench
 *
 * Each round: the store baseline, then SERIAL_ORDERS one at a time (platform overhead with nothing queued ahead),
 * then ORDERS at CONCURRENCY (throughput, and overhead under that load, which includes queueing).
 *
 * Figures are medians over rounds; the machine is 2 cores and noisy, so compare numbers from one run.
 */
import { DynamoDBClient, TransactWriteItemsCommand } from "@aws-sdk/client-dynamodb";
import OpenAI from "openai";
import { acceleratorFor, fleetById } from "../layers/core/src/catalog/catalog";
import type { LocalOutputs } from "../test/support/local-cloud";
import { startLocalCloud } from "../test/support/start-cloud";
import { SimulatedEngine } from "../workers/engines/simulated";

const ORDERS = Number(process.env.BENCH_ORDERS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const STORE_SECONDS = Number(process.env.BENCH_STORE_SECONDS ?? 3);
const SERIAL_ORDERS = Number(process.env.BENCH_SERIAL_ORDERS ?? 40);
// DynamoDB Local is a JVM: its first few hundred requests run interpreted. Warm it before measuring.
const WARMUP_ORDERS = Number(process.env.BENCH_WARMUP_ORDERS ?? 150);
const MODELS = [
  { model: "deepseek-flash", chip: "metax-c500" },
  { model: "ernie-4.5-turbo-128k", chip: "kunlunxin-p800" },
  { model: "telechat2.5-115b", chip: "ascend-910b" },
  { model: "qwen3.6-plus", chip: "nvidia-h20" },
] as const;
const PROMPT = "Summarise the benefits of running inference on green power in Inner Mongolia.";
const MAX_TOKENS = 64;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}
const median = (xs: readonly number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

async function runPool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Two-item transactions (a conditional put + a counter update), the shape of a hold, as fast as they go. */
async function storeTransactionsPerSecond(o: LocalOutputs, round: number): Promise<number> {
  const ddb = new DynamoDBClient({
    region: o.region,
    endpoint: o.awsEndpoint,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  const table = o.outputs.TableName;
  if (!table) throw new Error("no TableName output");
  const deadline = Date.now() + STORE_SECONDS * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, lane) => {
      for (let i = 0; Date.now() < deadline && i < 1_000_000; i++) {
        await ddb.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: { pk: { S: `BENCH#${round}#${lane}#${i}` }, sk: { S: "ITEM" }, n: { N: "1" } },
                  ConditionExpression: "attribute_not_exists(pk)",
                },
              },
              {
                Update: {
                  TableName: table,
                  Key: { pk: { S: `BENCH#${round}#${lane}` }, sk: { S: "COUNTER" } },
                  UpdateExpression: "ADD n :one",
                  ExpressionAttributeValues: { ":one": { N: "1" } },
                },
              },
            ],
          }),
        );
        done++;
      }
    }),
  );
  ddb.destroy();
  return done / STORE_SECONDS;
}

async function directEngineMs(): Promise<number> {
  const fleet = fleetById("hohhot-ascend-910b");
  if (!fleet) throw new Error("fleet missing");
  const engine = new SimulatedEngine({
    relThroughput: acceleratorFor(fleet.chipFamily).relThroughput,
    latencyScale: 0,
  });
  const samples: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t0 = performance.now();
    await engine.complete(
      {
        model: "deepseek-flash",
        messages: [{ role: "user", content: `${PROMPT} #${i}` }],
        max_tokens: MAX_TOKENS,
      },
      AbortSignal.timeout(5_000),
    );
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

async function main(): Promise<void> {
  console.log(`bench: starting the local cloud (workers on every fleet, latency scale 0)…`);
  const cloud = await startLocalCloud({ name: "bench", latencyScale: 0 });
  try {
    const o = cloud.outputs;
    const admin = async (route: string, body: unknown) => {
      const res = await fetch(`${o.apiUrl}${route}`, {
        method: "POST",
        headers: { authorization: `Bearer ${o.adminKey}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (res.status !== 201) throw new Error(`${route}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, string>;
    };
    const account = await admin("/v1/accounts", { name: "bench", kind: "enterprise" });
    await admin(`/v1/accounts/${account.id}/credits`, {
      amount_micros: "1000000000000",
      source: "paid",
      reference: "bench-funding",
    });
    const client = new OpenAI({
      apiKey: account.api_key,
      baseURL: `${o.apiUrl}/v1`,
      maxRetries: 0,
      timeout: 60_000,
    });
    const order = async (i: number) => {
      const pick = MODELS[i % MODELS.length] ?? MODELS[0];
      const t0 = performance.now();
      await client.chat.completions.create({
        model: pick.model,
        messages: [{ role: "user", content: `${PROMPT} #${i}` }],
        max_tokens: MAX_TOKENS,
        // @ts-expect-error routing is the platform's extension of the OpenAI body
        routing: { chip_family: [pick.chip] },
      });
      return performance.now() - t0;
    };

    await runPool(WARMUP_ORDERS, CONCURRENCY, order);
    const engineMs = await directEngineMs();
    const rounds: { ordersPerS: number; storeTxPerS: number; latencies: number[]; serial: number[] }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const storeTxPerS = await storeTransactionsPerSecond(o, r);
      const serial = await runPool(SERIAL_ORDERS, 1, order);
      const t0 = performance.now();
      const latencies = await runPool(ORDERS, CONCURRENCY, order);
      const ordersPerS = ORDERS / ((performance.now() - t0) / 1000);
      rounds.push({ ordersPerS, storeTxPerS, latencies, serial });
      console.log(
        `round ${r + 1}: ${ordersPerS.toFixed(1)} orders/s, store ${storeTxPerS.toFixed(0)} tx/s, ` +
          `serial p50 ${median(serial).toFixed(1)} ms, loaded p50 ${median(latencies).toFixed(1)} ms`,
      );
    }
    const overheadsOf = (pick: (r: (typeof rounds)[number]) => number[]) =>
      rounds.flatMap((r) => pick(r).map((l) => l - engineMs)).sort((a, b) => a - b);
    const serialOverheads = overheadsOf((r) => r.serial);
    const overheads = overheadsOf((r) => r.latencies);
    const table = [
      ["figure", "value"],
      ["local cloud ready (s)", (cloud.readyMs / 1000).toFixed(1)],
      ["orders through the pipeline", `${ROUNDS} x ${ORDERS} at concurrency ${CONCURRENCY}`],
      ["pipeline orders/s (median of rounds)", median(rounds.map((r) => r.ordersPerS)).toFixed(1)],
      ["platform overhead p50, one order at a time (ms)", percentile(serialOverheads, 50).toFixed(1)],
      ["platform overhead p99, one order at a time (ms)", percentile(serialOverheads, 99).toFixed(1)],
      [`platform overhead p50 at concurrency ${CONCURRENCY} (ms)`, percentile(overheads, 50).toFixed(1)],
      [`platform overhead p99 at concurrency ${CONCURRENCY} (ms)`, percentile(overheads, 99).toFixed(1)],
      ["baseline: store 2-item transactions/s (median)", median(rounds.map((r) => r.storeTxPerS)).toFixed(0)],
      ["baseline: direct engine call p50 (ms)", engineMs.toFixed(2)],
    ];
    console.log("");
    for (const [k, v] of table) console.log(`| ${k} | ${v} |`);
  } finally {
    await cloud.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
