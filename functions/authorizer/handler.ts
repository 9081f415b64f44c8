import { timingSafeEqual } from "node:crypto";
import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from "aws-lambda";
import { dynamodb } from "../../layers/core/src/aws/clients";
import { env } from "../../layers/core/src/aws/env";
import { type AuthContext, bearerKey } from "../../layers/core/src/http/auth";
import { getApiKey, hashApiKey } from "../../layers/core/src/store/api-key-store";

// API Gateway v2 REQUEST authorizer with simple responses: Bearer key → sha256 → operator key or key item.
//
// A missing or unknown key is *allowed through as anonymous* (empty accountId): API Gateway answers a denial
// with its own 403 {"message":"Forbidden"} (and a missing identity source with 401 {"message":"Unauthorized"}),
// which is not the OpenAI error shape clients parse. The api Lambda turns the anonymous context into a 401
// in that shape (http/auth.ts callerOf). Infra therefore sets no identity source and no API Gateway cache;
// the cache lives here, bounded.

const logger = new Logger({ serviceName: "authorizer" });
const config = env();
const table = { client: dynamodb, tableName: config.TABLE_NAME };
const adminHash =
  config.ADMIN_KEY_SHA256 === undefined ? undefined : Buffer.from(config.ADMIN_KEY_SHA256, "hex");

type Result = APIGatewaySimpleAuthorizerWithContextResult<AuthContext | Record<string, never>>;

/** Anonymous: the api Lambda answers 401 for every route that needs a caller. */
const anonymous: Result = { isAuthorized: true, context: {} };

/** Warm-container cache of key lookups: bounded in size and age, so a revoked key stops working within a minute. */
const CACHE_TTL_MS = 60_000;
const CACHE_MAX_ENTRIES = 5_000;
const cache = new Map<string, { result: Result; expiresAtMs: number }>();

async function lookUp(hash: string): Promise<Result> {
  if (isAdmin(hash)) return { isAuthorized: true, context: { accountId: "admin", role: "admin" } };
  const hit = cache.get(hash);
  if (hit !== undefined && hit.expiresAtMs > Date.now()) return hit.result;
  const record = await getApiKey(table, hash);
  const result: Result =
    record === undefined
      ? anonymous
      : { isAuthorized: true, context: { accountId: record.accountId, role: record.role } };
  if (record === undefined) logger.info("unknown api key", { keyHashPrefix: hash.slice(0, 8) });
  if (cache.size >= CACHE_MAX_ENTRIES) cache.clear();
  cache.set(hash, { result, expiresAtMs: Date.now() + CACHE_TTL_MS });
  return result;
}

const isAdmin = (hash: string): boolean =>
  adminHash !== undefined && timingSafeEqual(adminHash, Buffer.from(hash, "hex"));

export const handler = middy<APIGatewayRequestAuthorizerEventV2, Result>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const key = bearerKey(event.headers);
    if (key === undefined) return anonymous;
    return lookUp(hashApiKey(key));
  });
