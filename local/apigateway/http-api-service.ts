import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HttpApiResources } from "../deploy/deployer";
import { BodyTooLargeError, readBody, sendJson } from "../http-util";
import { RouteMatcher } from "./route-matcher";

// The HTTP API (API Gateway v2) in front of Lambda: routes, payload format 2.0 events, the Lambda authorizer
// with its result cache, response mapping and the error answers API Gateway gives.

const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** HTTP APIs cut an integration after 30 s. */
const INTEGRATION_TIMEOUT_MS = 30_000;
const MAX_CACHED_AUTHORIZATIONS = 10_000;

export type Invoke = (functionArn: string, event: unknown) => Promise<unknown>;

interface Route {
  integrationId: string | undefined;
  authorizerId: string | undefined;
}

interface CachedAuthorization {
  expiresAt: number;
  allowed: boolean;
  context: Record<string, unknown> | undefined;
}

class HttpApi {
  readonly matcher = new RouteMatcher<Route>();
  readonly cache = new Map<string, CachedAuthorization>();

  constructor(readonly resources: HttpApiResources) {
    for (const route of resources.routes) {
      this.matcher.add(route.routeKey, {
        integrationId: route.integrationId,
        authorizerId: route.authorizerId,
      });
    }
  }
}

export class HttpApiService {
  private readonly apis = new Map<string, HttpApi>();

  constructor(
    private readonly invoke: Invoke,
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  register(resources: HttpApiResources): void {
    this.apis.set(resources.apiId, new HttpApi(resources));
  }

  apiIds(): string[] {
    return [...this.apis.keys()];
  }

  async handle(apiId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const api = this.apis.get(apiId);
    if (!api) {
      sendJson(res, 404, { message: "Not Found" });
      return;
    }
    const requestId = randomUUID();
    const corsHeaders = cors(api.resources.cors, req);
    if (corsHeaders && req.method === "OPTIONS" && req.headers["access-control-request-method"]) {
      res.writeHead(204, { ...corsHeaders, "apigw-requestid": requestId });
      res.end();
      return;
    }
    const reply = (status: number, body: unknown) =>
      sendJson(res, status, body, { ...corsHeaders, "apigw-requestid": requestId });
    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) reply(413, { message: "Request Entity Too Large" });
      else reply(400, { message: "Bad Request" });
      return;
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = (req.method ?? "GET").toUpperCase();
    const match = api.matcher.match(method, url.pathname);
    if (!match) {
      reply(404, { message: "Not Found" });
      return;
    }
    const event = buildEvent({
      req,
      url,
      body,
      requestId,
      routeKey: match.routeKey,
      apiId,
      accountId: this.accountId,
      pathParameters: match.pathParameters,
    });

    if (match.route.authorizerId) {
      const authorizer = api.resources.authorizers.get(match.route.authorizerId);
      if (!authorizer) {
        reply(500, { message: "Internal Server Error" });
        return;
      }
      const identity = authorizer.identitySource.map((source) => identityValue(source, event));
      if (identity.some((value) => value === undefined || value === "")) {
        reply(401, { message: "Unauthorized" });
        return;
      }
      let decision: CachedAuthorization;
      try {
        decision = await this.authorize(api, authorizer, identity as string[], event, method, url.pathname);
      } catch {
        reply(500, { message: "Internal Server Error" });
        return;
      }
      if (!decision.allowed) {
        reply(403, { message: "Forbidden" });
        return;
      }
      (event.requestContext as Record<string, unknown>).authorizer = { lambda: decision.context ?? {} };
    }

    const integration = match.route.integrationId
      ? api.resources.integrations.get(match.route.integrationId)
      : undefined;
    if (!integration) {
      reply(500, { message: "Internal Server Error" });
      return;
    }
    let result: unknown;
    try {
      result = await withTimeout(this.invoke(integration.functionArn, event), INTEGRATION_TIMEOUT_MS);
    } catch (error) {
      if (error instanceof IntegrationTimeoutError) reply(503, { message: "Service Unavailable" });
      else reply(500, { message: "Internal Server Error" });
      return;
    }
    writeLambdaResult(res, result, { ...corsHeaders, "apigw-requestid": requestId });
  }

  private async authorize(
    api: HttpApi,
    authorizer: NonNullable<ReturnType<HttpApiResources["authorizers"]["get"]>>,
    identity: string[],
    event: Record<string, unknown>,
    method: string,
    path: string,
  ): Promise<CachedAuthorization> {
    const cacheKey = identity.join("\u0000");
    const cached = authorizer.ttlSeconds > 0 ? api.cache.get(cacheKey) : undefined;
    if (cached && cached.expiresAt > Date.now()) return cached;
    const { body: _body, isBase64Encoded: _b64, ...rest } = event;
    const authEvent = {
      ...rest,
      type: "REQUEST",
      routeArn: `arn:aws:execute-api:${this.region}:${this.accountId}:${api.resources.apiId}/$default/${method}${path}`,
      identitySource: identity,
    };
    const result = (await withTimeout(this.invoke(authorizer.functionArn, authEvent), 10_000)) as Record<
      string,
      unknown
    > | null;
    const decision: CachedAuthorization = {
      expiresAt: Date.now() + authorizer.ttlSeconds * 1000,
      allowed: authorizer.simpleResponses ? result?.isAuthorized === true : policyAllows(result),
      context: (result?.context as Record<string, unknown> | undefined) ?? undefined,
    };
    if (authorizer.ttlSeconds > 0) {
      if (api.cache.size >= MAX_CACHED_AUTHORIZATIONS) api.cache.clear();
      api.cache.set(cacheKey, decision);
    }
    return decision;
  }
}

class IntegrationTimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new IntegrationTimeoutError()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function policyAllows(result: Record<string, unknown> | null): boolean {
  const statements = ((result?.policyDocument as { Statement?: unknown[] } | undefined)?.Statement ?? []) as {
    Effect?: string;
  }[];
  return statements.length > 0 && statements.every((s) => s.Effect === "Allow");
}

function identityValue(source: string, event: Record<string, unknown>): string | undefined {
  const headers = event.headers as Record<string, string>;
  const query = (event.queryStringParameters ?? {}) as Record<string, string>;
  if (source.startsWith("$request.header.")) return headers[source.slice(16).toLowerCase()];
  if (source.startsWith("$request.querystring.")) return query[source.slice(21)];
  return "";
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|.*\+json|.*\+xml))/i;

function buildEvent(args: {
  req: IncomingMessage;
  url: URL;
  body: Buffer;
  requestId: string;
  routeKey: string;
  apiId: string;
  accountId: string;
  pathParameters: Record<string, string>;
}): Record<string, unknown> {
  const { req, url, body } = args;
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] as string).toLowerCase();
    const value = req.rawHeaders[i + 1] as string;
    if (name === "cookie") {
      cookies = [...(cookies ?? []), ...value.split(/;\s*/).filter(Boolean)];
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams)
    query[key] = query[key] === undefined ? value : `${query[key]},${value}`;
  const now = new Date();
  const contentType = headers["content-type"] ?? "";
  const isText =
    body.length === 0 || (!headers["content-encoding"] && (TEXT_TYPES.test(contentType) || !contentType));
  const host = headers.host ?? "localhost";
  const event: Record<string, unknown> = {
    version: "2.0",
    routeKey: args.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: args.accountId,
      apiId: args.apiId,
      domainName: host,
      domainPrefix: host.split(".")[0],
      http: {
        method: (req.method ?? "GET").toUpperCase(),
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: (req.socket.remoteAddress ?? "127.0.0.1").replace(/^::ffff:/, ""),
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: args.requestId,
      routeKey: args.routeKey,
      stage: "$default",
      time: apiGatewayTime(now),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: !isText,
  };
  if (cookies) event.cookies = cookies;
  if (Object.keys(query).length > 0) event.queryStringParameters = query;
  if (Object.keys(args.pathParameters).length > 0) event.pathParameters = args.pathParameters;
  if (body.length > 0) event.body = isText ? body.toString("utf8") : body.toString("base64");
  return event;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `12/Mar/2020:19:03:58 +0000`, the format of requestContext.time. */
function apiGatewayTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** Payload 2.0 response rules: a `{statusCode, ...}` object is used as is, anything else is a 200 JSON body. */
function writeLambdaResult(res: ServerResponse, result: unknown, extra: Record<string, string>): void {
  const structured =
    result !== null && typeof result === "object" && "statusCode" in (result as Record<string, unknown>)
      ? (result as Record<string, unknown>)
      : undefined;
  if (!structured) {
    const body = typeof result === "string" ? result : JSON.stringify(result ?? null);
    res.writeHead(200, {
      ...extra,
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
    });
    res.end(body);
    return;
  }
  const headers: Record<string, string | string[]> = { ...extra };
  for (const [key, value] of Object.entries((structured.headers ?? {}) as Record<string, unknown>)) {
    headers[key.toLowerCase()] = String(value);
  }
  for (const [key, values] of Object.entries(
    (structured.multiValueHeaders ?? {}) as Record<string, unknown[]>,
  )) {
    headers[key.toLowerCase()] = values.map(String).join(",");
  }
  const cookies = structured.cookies as string[] | undefined;
  if (Array.isArray(cookies) && cookies.length > 0) headers["set-cookie"] = cookies.map(String);
  headers["content-type"] ??= "application/json";
  const rawBody =
    structured.body === undefined
      ? ""
      : typeof structured.body === "string"
        ? structured.body
        : JSON.stringify(structured.body);
  const payload = structured.isBase64Encoded === true ? Buffer.from(rawBody, "base64") : Buffer.from(rawBody);
  headers["content-length"] = String(payload.length);
  const status = Number(structured.statusCode);
  res.writeHead(Number.isInteger(status) && status >= 100 && status < 600 ? status : 500, headers);
  res.end(payload);
}

function cors(config: HttpApiResources["cors"], req: IncomingMessage): Record<string, string> | undefined {
  const origin = req.headers.origin;
  if (!config || !origin) return undefined;
  const list = (key: string) => ((config[key] ?? []) as string[]).map(String);
  const origins = list("AllowOrigins");
  if (!origins.includes("*") && !origins.includes(origin)) return undefined;
  const headers: Record<string, string> = {
    "access-control-allow-origin": origins.includes("*") ? "*" : origin,
  };
  if (list("AllowMethods").length) headers["access-control-allow-methods"] = list("AllowMethods").join(",");
  if (list("AllowHeaders").length) headers["access-control-allow-headers"] = list("AllowHeaders").join(",");
  if (list("ExposeHeaders").length)
    headers["access-control-expose-headers"] = list("ExposeHeaders").join(",");
  if (config.MaxAge !== undefined) headers["access-control-max-age"] = String(config.MaxAge);
  if (config.AllowCredentials === true) headers["access-control-allow-credentials"] = "true";
  return headers;
}
