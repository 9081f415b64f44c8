import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import { IdempotencyConflictError } from "../domain/errors";
import { idempotencyKey } from "./keys";
import type { TableRef } from "./table";

// Idempotency-Key records for mutating POSTs (Stripe's model). Item: pk = IDEM#<accountId>#<key>, sk = IDEM.
// The first request claims the key with a conditional put (status in_progress); it then stores its response
// (status completed) which every replay returns verbatim. `ttl` lets DynamoDB TTL delete old records; TTL
// deletion lags up to days, so an expired record is also treated as absent by the condition itself.

export interface StoredResponse {
  readonly statusCode: number;
  readonly body: string;
}

export type IdempotencyClaim =
  | { readonly kind: "claimed" }
  | { readonly kind: "replay"; readonly response: StoredResponse };

/** Records live 24 h, like Stripe's; long enough for any client retry loop. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/**
 * An in_progress claim older than this is presumed dead (its Lambda crashed or timed out before completing or
 * releasing) and may be claimed again; longer than the api Lambda's timeout so a live claim is never stolen.
 */
export const IDEMPOTENCY_LEASE_SECONDS = 60;

const MAX_KEY_LENGTH = 255;

export const isValidIdempotencyKey = (key: string): boolean =>
  key.length > 0 && key.length <= MAX_KEY_LENGTH && /^[\x21-\x7e]+$/.test(key);

/**
 * Claims `key` for a request whose body hashes to `requestHash`, or returns the stored first response.
 * Throws IdempotencyConflictError when the key was used with another body or its first request still runs.
 */
export async function claimIdempotencyKey(
  t: TableRef,
  input: { accountId: string; key: string; requestHash: string; nowMs: number; ttlSeconds?: number },
): Promise<IdempotencyClaim> {
  const nowS = Math.floor(input.nowMs / 1000);
  try {
    await t.client.send(
      new PutItemCommand({
        TableName: t.tableName,
        Item: marshall({
          ...idempotencyKey(input.accountId, input.key),
          type: "IDEM",
          requestHash: input.requestHash,
          status: "in_progress",
          createdAt: new Date(input.nowMs).toISOString(),
          leaseUntil: nowS + IDEMPOTENCY_LEASE_SECONDS,
          ttl: nowS + (input.ttlSeconds ?? IDEMPOTENCY_TTL_SECONDS),
        }),
        ConditionExpression:
          "attribute_not_exists(pk) OR #ttl < :now OR (#status = :inProgress AND leaseUntil < :now AND requestHash = :hash)",
        ExpressionAttributeNames: { "#ttl": "ttl", "#status": "status" },
        ExpressionAttributeValues: marshall({
          ":now": nowS,
          ":inProgress": "in_progress",
          ":hash": input.requestHash,
        }),
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
    );
    return { kind: "claimed" };
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
    const old = err.Item === undefined ? undefined : unmarshall(err.Item);
    if (old === undefined || old.requestHash !== input.requestHash) {
      throw new IdempotencyConflictError(
        "This Idempotency-Key was already used with a different request",
        "Idempotency-Key",
      );
    }
    if (old.status !== "completed" || typeof old.responseBody !== "string") {
      throw new IdempotencyConflictError(
        "A request with this Idempotency-Key is still in progress; retry later",
        "Idempotency-Key",
      );
    }
    return { kind: "replay", response: { statusCode: Number(old.statusCode), body: old.responseBody } };
  }
}

/** Stores the first response so replays return it; only the claimant (in_progress) may complete. */
export async function completeIdempotencyKey(
  t: TableRef,
  input: { accountId: string; key: string; response: StoredResponse },
): Promise<void> {
  await t.client.send(
    new UpdateItemCommand({
      TableName: t.tableName,
      Key: marshall(idempotencyKey(input.accountId, input.key)),
      UpdateExpression: "SET #status = :completed, statusCode = :code, responseBody = :body",
      ConditionExpression: "#status = :inProgress",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: marshall({
        ":completed": "completed",
        ":inProgress": "in_progress",
        ":code": input.response.statusCode,
        ":body": input.response.body,
      }),
    }),
  );
}

/**
 * Frees a claimed key after the request failed, so the client can retry with the same key. Failures are not
 * stored as the first response: they changed nothing (or, for orders, the retry re-attaches by order id).
 */
export async function releaseIdempotencyKey(
  t: TableRef,
  input: { accountId: string; key: string },
): Promise<void> {
  try {
    await t.client.send(
      new DeleteItemCommand({
        TableName: t.tableName,
        Key: marshall(idempotencyKey(input.accountId, input.key)),
        ConditionExpression: "#status = :inProgress",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: marshall({ ":inProgress": "in_progress" }),
      }),
    );
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
  }
}
