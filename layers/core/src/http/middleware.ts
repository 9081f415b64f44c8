import type { Logger } from "@aws-lambda-powertools/logger";
import type { MiddlewareObj } from "@middy/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from "aws-lambda";
import { toErrorResponse, toHttpError } from "./error-mapping";
import { invalidJson, payloadTooLarge } from "./http-error";

// Middy middlewares of the api Lambda. Our own JSON parser instead of @middy/http-json-body-parser because
// that one answers malformed JSON with 415 and a text body; clients need 400 in the OpenAI error shape.

/** API Gateway HTTP API payloads are at most 10 MB; we stop well before to bound memory and hashing work. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The event after `jsonBody`: `body` holds the parsed JSON (undefined when the request had none). */
export type JsonEvent = Omit<APIGatewayProxyEventV2, "body"> & { body: unknown; rawBody: string | undefined };

export const jsonBody = (limitBytes = MAX_BODY_BYTES): MiddlewareObj<JsonEvent, APIGatewayProxyResultV2> => ({
  name: "jsonBody",
  before: (request) => {
    const event = request.event;
    const raw = event.body;
    if (raw === undefined || raw === null || raw === "") {
      event.body = undefined;
      event.rawBody = undefined;
      return;
    }
    if (typeof raw !== "string") throw invalidJson();
    // Base64 inflates by 4/3, so checking the encoded length first rejects huge bodies before decoding them.
    const encodedBytes = Buffer.byteLength(raw, event.isBase64Encoded ? "latin1" : "utf8");
    if (encodedBytes > (event.isBase64Encoded ? Math.ceil((limitBytes * 4) / 3) + 4 : limitBytes)) {
      throw payloadTooLarge(limitBytes);
    }
    const text = event.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf8") : raw;
    if (Buffer.byteLength(text, "utf8") > limitBytes) throw payloadTooLarge(limitBytes);
    try {
      event.body = JSON.parse(text);
    } catch {
      throw invalidJson();
    }
    event.rawBody = text;
  },
});

/** Maps every error through the single mapping; logs internals that the client must not see. */
export const errorResponse = (logger: Logger): MiddlewareObj<unknown, APIGatewayProxyResultV2> => ({
  name: "errorResponse",
  onError: (request) => {
    const httpError = toHttpError(request.error);
    if (httpError.statusCode >= 500) logger.error("request failed", { error: request.error as Error });
    else logger.info("request rejected", { status: httpError.statusCode, code: httpError.code });
    request.response = toErrorResponse(httpError);
  },
});
