// API keys: random (32 bytes), shown once, stored only as their sha256 (APIKEY#<hex>).
import { createHash, randomBytes } from "node:crypto";
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { apiKeyKey } from "./keys";
import { keyItem, put, str, type TableRef, transact } from "./table";

export type KeyRole = "buyer" | "provider";

export interface ApiKeyRecord {
  readonly hash: string;
  readonly accountId: string;
  readonly role: KeyRole;
  readonly createdAt: string;
}

const KEY_BYTES = 32;
const PREFIX: Record<KeyRole, string> = { buyer: "sk-buyer-", provider: "sk-prov-" };

export function hashApiKey(apiKey: string): string {
  return createHash("sha256").update(apiKey, "utf8").digest("hex");
}

/** A new key and its hash; the key itself is returned to the caller once and never stored. */
export function generateApiKey(role: KeyRole): { apiKey: string; hash: string } {
  const apiKey = `${PREFIX[role]}${randomBytes(KEY_BYTES).toString("base64url")}`;
  return { apiKey, hash: hashApiKey(apiKey) };
}

export async function putApiKey(t: TableRef, record: ApiKeyRecord): Promise<void> {
  if (!/^[0-9a-f]{64}$/.test(record.hash)) throw new RangeError("hash must be sha256 hex");
  await transact(t, `apikey:${record.hash}`, [
    put(t, { ...apiKeyKey(record.hash), kind: "apikey", ...record }, "attribute_not_exists(pk)"),
  ]);
}

export async function getApiKey(t: TableRef, hash: string): Promise<ApiKeyRecord | undefined> {
  if (!/^[0-9a-f]{64}$/.test(hash)) return undefined;
  const out = await t.client.send(
    new GetItemCommand({ TableName: t.tableName, Key: keyItem(apiKeyKey(hash)), ConsistentRead: true }),
  );
  if (!out.Item) return undefined;
  return {
    hash,
    accountId: str(out.Item, "accountId"),
    role: str(out.Item, "role") as KeyRole,
    createdAt: str(out.Item, "createdAt"),
  };
}
