import http, { type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { HttpApiService } from "./apigateway/http-api-service";
import type { DynamoDbLocal } from "./dynamodb/dynamodb-local";
import { BodyTooLargeError, readBody, sendAwsJsonError, sendJson } from "./http-util";
import { LambdaInvocationError } from "./lambda/lambda-error";
import type { LambdaService } from "./lambda/lambda-service";
import type { SqsService } from "./sqs/sqs-service";
import { SfnApiError } from "./stepfunctions/sfn-errors";
import type { SfnService } from "./stepfunctions/sfn-service";

// One port for every AWS API, like LocalStack: routed by X-Amz-Target (JSON protocols), the query protocol's
// Action (SQS), the Lambda REST path, or an `<apiId>.execute-api.` Host (HTTP APIs).

const MAX_AWS_BODY_BYTES = 16 * 1024 * 1024;
const LAMBDA_INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;

export interface EdgeServices {
  dynamodb: DynamoDbLocal;
  sqs: SqsService;
  sfn: SfnService;
  lambda: LambdaService;
  httpApi: HttpApiService;
}

export function createEdgeServer(services: EdgeServices): Server {
  const server = http.createServer((req, res) => {
    route(services, req, res).catch((error: Error) => {
      if (!res.headersSent) sendAwsJsonError(res, "InternalFailure", error.message, 500);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  // Long polls hold requests for 20 s; never cut them.
  server.requestTimeout = 0;
  return server;
}

async function route(services: EdgeServices, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const target = String(req.headers["x-amz-target"] ?? "");
  if (target.startsWith("DynamoDB_20120810.")) {
    services.dynamodb.proxy(req, res);
    return;
  }
  const host = String(req.headers.host ?? "");
  const apiId = /^([a-z0-9]+)\.execute-api\./.exec(host)?.[1];
  if (apiId) {
    await services.httpApi.handle(apiId, req, res);
    return;
  }
  const url = req.url ?? "/";
  if (req.method === "GET" && (url === "/_localcloud/health" || url === "/_localstack/health")) {
    sendJson(res, 200, {
      services: { dynamodb: "running", sqs: "running", stepfunctions: "running", lambda: "running" },
    });
    return;
  }
  let body: Buffer;
  try {
    body = await readBody(req, MAX_AWS_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      sendAwsJsonError(res, "RequestEntityTooLarge", error.message, 413);
    else throw error;
    return;
  }
  if (target.startsWith("AmazonSQS.")) return services.sqs.handle(req, res, body);
  if (target.startsWith("AWSStepFunctions.")) return handleSfn(services.sfn, target.slice(17), body, res);
  const invoke = LAMBDA_INVOKE_PATH.exec(url.split("?")[0] ?? "");
  if (invoke && req.method === "POST")
    return handleLambdaInvoke(services.lambda, invoke[1] ?? "", body, req, res);
  const contentType = String(req.headers["content-type"] ?? "");
  if (contentType.startsWith("application/x-www-form-urlencoded") && body.includes("Action=")) {
    return services.sqs.handle(req, res, body);
  }
  sendJson(res, 404, {
    message: `no local service for ${req.method} ${url} (x-amz-target: ${target || "none"})`,
  });
}

async function handleSfn(sfn: SfnService, action: string, body: Buffer, res: ServerResponse): Promise<void> {
  let input: Record<string, unknown>;
  try {
    input = body.length ? (JSON.parse(body.toString("utf8")) as Record<string, unknown>) : {};
  } catch {
    sendAwsJsonError(res, "SerializationException", "request body is not JSON");
    return;
  }
  try {
    const result = await sfn.handle(action, input);
    sendJson(res, 200, result, { "x-amzn-requestid": crypto.randomUUID() }, "application/x-amz-json-1.0");
  } catch (error) {
    if (error instanceof SfnApiError) sendAwsJsonError(res, error.code, error.message, error.statusCode);
    else throw error;
  }
}

async function handleLambdaInvoke(
  lambda: LambdaService,
  name: string,
  body: Buffer,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const functionName = decodeURIComponent(name);
  if (!lambda.has(functionName)) {
    sendJson(
      res,
      404,
      { Type: "User", message: `Function not found: ${functionName}` },
      {
        "x-amzn-errortype": "ResourceNotFoundException",
      },
    );
    return;
  }
  let event: unknown = {};
  try {
    event = body.length ? JSON.parse(body.toString("utf8")) : {};
  } catch {
    sendJson(
      res,
      400,
      { Type: "User", message: "Could not parse request body into json" },
      {
        "x-amzn-errortype": "InvalidRequestContentException",
      },
    );
    return;
  }
  const async = req.headers["x-amz-invocation-type"] === "Event";
  const invocation = lambda.invoke(functionName, event);
  if (async) {
    invocation.catch(() => {});
    res.writeHead(202);
    res.end();
    return;
  }
  try {
    const result = await invocation;
    sendJson(res, 200, result ?? null, { "x-amz-executed-version": "$LATEST" });
  } catch (error) {
    const payload =
      error instanceof LambdaInvocationError
        ? error.toPayload()
        : { errorType: (error as Error).name, errorMessage: (error as Error).message };
    sendJson(res, 200, payload, { "x-amz-function-error": "Unhandled", "x-amz-executed-version": "$LATEST" });
  }
}
