import type { APIGatewayProxyEventV2, Context } from "aws-lambda";

// Builders of realistic API Gateway HTTP API (payload 2.0) events, as the api Lambda receives them.

export interface EventInput {
  readonly method?: string;
  readonly path: string;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly caller?: { accountId: string; role: string } | null;
  readonly base64?: boolean;
}

export const adminCaller = { accountId: "admin", role: "admin" };
export const buyerCaller = { accountId: "acc_test", role: "buyer" };
export const providerCaller = { accountId: "prov_test", role: "provider" };

export function httpEvent(input: EventInput): APIGatewayProxyEventV2 {
  const method = input.method ?? "GET";
  const text = input.rawBody ?? (input.body === undefined ? undefined : JSON.stringify(input.body));
  const query = input.query ?? {};
  const rawQueryString = new URLSearchParams(query).toString();
  const caller = input.caller === undefined ? buyerCaller : input.caller;
  const event = {
    version: "2.0",
    routeKey: "$default",
    rawPath: input.path,
    rawQueryString,
    headers: {
      accept: "application/json",
      "content-type": "application/json",
      host: "api.example.test",
      "user-agent": "vitest",
      ...(text === undefined ? {} : { "content-length": String(Buffer.byteLength(text)) }),
      ...input.headers,
    },
    ...(rawQueryString === "" ? {} : { queryStringParameters: query }),
    requestContext: {
      accountId: "123456789012",
      apiId: "api1234",
      domainName: "api.example.test",
      domainPrefix: "api",
      http: { method, path: input.path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "vitest" },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey: "$default",
      stage: "$default",
      time: "03/Dec/2026:12:00:00 +0000",
      timeEpoch: 1_796_212_800_000,
      ...(caller === null ? {} : { authorizer: { lambda: caller } }),
    },
    body: text === undefined ? undefined : input.base64 ? Buffer.from(text).toString("base64") : text,
    isBase64Encoded: input.base64 === true,
  };
  return event as APIGatewayProxyEventV2;
}

export const lambdaContext = (): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: "api",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:api",
  memoryLimitInMB: "512",
  awsRequestId: `aws-${Math.random().toString(36).slice(2)}`,
  logGroupName: "/aws/lambda/api",
  logStreamName: "stream",
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

export interface Reply {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: tests assert on arbitrary JSON response shapes
  readonly body: any;
}

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

/** Invokes the handler and parses its JSON body. */
export async function call(handler: Handler, input: EventInput): Promise<Reply> {
  const result = (await handler(httpEvent(input), lambdaContext())) as {
    statusCode: number;
    headers?: Record<string, string>;
    body?: string;
  };
  return {
    statusCode: result.statusCode,
    headers: result.headers ?? {},
    body: result.body === undefined || result.body === "" ? undefined : JSON.parse(result.body),
  };
}
