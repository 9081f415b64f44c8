import { createHash } from "node:crypto";
import type { APIGatewayProxyResultV2 } from "aws-lambda";
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  isValidIdempotencyKey,
  releaseIdempotencyKey,
} from "../store/idempotency-store";
import type { TableRef } from "../store/table";
import { HttpError } from "./http-error";

// Idempotency-Key handling for mutating POSTs: a replay returns the first (successful) response verbatim, the
// same key with a different body is a 409. Scoped per caller so two accounts can never collide on a key.

interface IdempotentRequest {
  readonly headers: Record<string, string | undefined>;
  readonly rawBody: string | undefined;
  readonly requestContext: { readonly http: { readonly method: string; readonly path: string } };
}

/** The Idempotency-Key header (names are lower-cased by the header normalizer), validated. */
export const idempotencyKeyOf = (event: Pick<IdempotentRequest, "headers">): string | undefined => {
  const key = event.headers["idempotency-key"];
  if (key === undefined) return undefined;
  if (!isValidIdempotencyKey(key)) {
    throw new HttpError(
      400,
      "invalid_request_error",
      "invalid_value",
      "Idempotency-Key must be 1-255 printable ASCII characters",
      "Idempotency-Key",
    );
  }
  return key;
};

/** JSON with object keys sorted, so the same body with its keys in another order is the same request. */
const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
};

const canonicalBody = (raw: string): string => {
  try {
    return canonicalJson(JSON.parse(raw));
  } catch {
    return raw;
  }
};

const requestHashOf = (event: IdempotentRequest): string =>
  createHash("sha256")
    .update(
      `${event.requestContext.http.method}\u0000${event.requestContext.http.path}\u0000${canonicalBody(event.rawBody ?? "")}`,
    )
    .digest("hex");

const asStored = (response: APIGatewayProxyResultV2): { statusCode: number; body: string } => {
  if (typeof response === "string") return { statusCode: 200, body: response };
  return { statusCode: response.statusCode ?? 200, body: response.body ?? "" };
};

/** Runs `run` at most once per (scope, Idempotency-Key); without the header it just runs. */
export async function idempotent(
  table: TableRef,
  scope: string,
  event: IdempotentRequest,
  run: () => Promise<APIGatewayProxyResultV2>,
): Promise<APIGatewayProxyResultV2> {
  const key = idempotencyKeyOf(event);
  if (key === undefined) return run();
  const claim = await claimIdempotencyKey(table, {
    accountId: scope,
    key,
    requestHash: requestHashOf(event),
    nowMs: Date.now(),
  });
  if (claim.kind === "replay") {
    return {
      statusCode: claim.response.statusCode,
      headers: { "content-type": "application/json", "idempotent-replayed": "true" },
      body: claim.response.body,
    };
  }
  let response: APIGatewayProxyResultV2;
  try {
    response = await run();
  } catch (err) {
    // A failed request changed nothing the client can observe twice; free the key so a retry runs again.
    await releaseIdempotencyKey(table, { accountId: scope, key });
    throw err;
  }
  await completeIdempotencyKey(table, { accountId: scope, key, response: asStored(response) });
  return response;
}
