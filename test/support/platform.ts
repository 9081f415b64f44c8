import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import OpenAI from "openai";
import type { ChatCompletion } from "openai/resources/chat/completions";
import { inject } from "vitest";
import type { LocalOutputs } from "./local-cloud";

const ROOT = path.resolve(import.meta.dirname, "..", "..");

export function outputs(): LocalOutputs {
  return inject("outputs");
}

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** Plain HTTP against the local API (for the non-OpenAI endpoints and for malformed requests). */
export async function http<T = Record<string, unknown>>(
  method: string,
  route: string,
  opts: { key?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers["content-type"] ??= "application/json";
  const res = await fetch(`${outputs().apiUrl}${route}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { raw: text };
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}

export interface Buyer {
  accountId: string;
  apiKey: string;
}

let counter = 0;

/** Creates a buyer account through the operator API and funds it with paid credits. */
export async function createFundedBuyer(fundsMicros: bigint, name = "buyer"): Promise<Buyer> {
  const admin = outputs().adminKey;
  counter += 1;
  const created = await http<{ id: string; api_key: string }>("POST", "/v1/accounts", {
    key: admin,
    body: { name: `${name}-${counter}-${Date.now()}`, kind: "developer" },
  });
  if (created.status !== 201)
    throw new Error(`create account: ${created.status} ${JSON.stringify(created.body)}`);
  if (fundsMicros > 0n) {
    const credit = await http("POST", `/v1/accounts/${created.body.id}/credits`, {
      key: admin,
      body: { amount_micros: fundsMicros.toString(), source: "paid", reference: `fund-${created.body.id}` },
    });
    if (credit.status !== 201) throw new Error(`credit: ${credit.status} ${JSON.stringify(credit.body)}`);
  }
  return { accountId: created.body.id, apiKey: created.body.api_key };
}

export function openaiFor(apiKey: string): OpenAI {
  return new OpenAI({ apiKey, baseURL: `${outputs().apiUrl}/v1`, maxRetries: 0, timeout: 60_000 });
}

export interface Balance {
  available_micros: string;
  posted_micros: string;
  held_micros: string;
  credit_limit_micros: string;
}

export async function balanceOf(buyer: Buyer): Promise<Balance> {
  const res = await http<Balance>("GET", "/v1/balance", { key: buyer.apiKey });
  if (res.status !== 200) throw new Error(`balance: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The platform's additions to an OpenAI chat.completion (API.md). */
export interface PlatformCompletion extends ChatCompletion {
  billing: {
    order_id: string;
    charged_micros: string;
    held_micros: string;
    currency: string;
    breakdown: { model_provider_micros: string; compute_provider_micros: string; platform_micros: string };
  };
  compute: { fleet_id: string; chip_family: string; host_id: string; region: string };
  carbon: {
    energy_wh: number | string;
    gco2e: number | string;
    green_share: number | string;
    grid_factor_source: string;
  };
}

export interface Routing {
  prefer?: "cheapest" | "fastest" | "greenest";
  chip_family?: string[];
  only?: string[];
  ignore?: string[];
  allow_fallback?: boolean;
}

/** A chat completion through the official SDK, with the platform's `routing` extension in the body. */
export async function complete(
  client: OpenAI,
  model: string,
  content: string,
  opts: { maxTokens?: number; routing?: Routing } = {},
): Promise<PlatformCompletion> {
  const params = {
    model,
    messages: [{ role: "user" as const, content }],
    max_tokens: opts.maxTokens ?? 64,
    ...(opts.routing ? { routing: opts.routing } : {}),
  };
  return (await client.chat.completions.create(params)) as PlatformCompletion;
}

export function roundHalfUpDiv(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}

/** Starts a worker for a fleet as a provider would (`npm run worker`), returning the process and its stdout. */
export function startWorker(fleetId: string, args: string[] = []): { proc: ChildProcess; stdout: string[] } {
  const o = outputs();
  // Short polls: tests kill their workers, and a long poll left open by a killed worker can swallow the next
  // messages in the local SQS until their visibility timeout (see the issue note); 1 s bounds that window.
  const proc = spawn(
    process.execPath,
    ["--import", "tsx", "workers/cli.ts", "--fleet", fleetId, "--wait-time-seconds", "1", ...args],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        AWS_ENDPOINT_URL: o.awsEndpoint,
        AWS_REGION: o.region,
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
        LOCAL_STATE_DIR: inject("stateDir"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const stdout: string[] = [];
  proc.stdout?.on("data", (c: Buffer) => stdout.push(c.toString()));
  proc.stderr?.on("data", (c: Buffer) => stdout.push(c.toString()));
  return { proc, stdout };
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
): Promise<T> {
  const started = Date.now();
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
