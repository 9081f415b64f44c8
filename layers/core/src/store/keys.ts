// Key builders for the single table (docs/contracts.md "Table"). Pure; every access pattern goes through these.

export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/** Number of BALANCE#<n> rows a provider/platform/issuance account is spread over, so credits do not serialize. */
export const BALANCE_SHARDS = 8;

export const PENDING_HOLDS_GSI1PK = "PENDING_HOLDS";

const accountPk = (accountId: string): string => `ACCOUNT#${accountId}`;

export const accountKey = (accountId: string): ItemKey => ({ pk: accountPk(accountId), sk: "ACCOUNT" });

/** The one balance row of a buyer account (the row the balance constraint is enforced on). */
export const balanceKey = (accountId: string): ItemKey => ({ pk: accountPk(accountId), sk: "BALANCE" });

export function balanceShardKey(accountId: string, shard: number): ItemKey {
  if (!Number.isInteger(shard) || shard < 0 || shard >= BALANCE_SHARDS) {
    throw new RangeError(`shard must be an integer in [0, ${BALANCE_SHARDS})`);
  }
  return { pk: accountPk(accountId), sk: `BALANCE#${shard}` };
}

export const BALANCE_SHARD_SK_PREFIX = "BALANCE#";

export const entryKey = (accountId: string, createdAtIso: string, transferId: string): ItemKey => ({
  pk: accountPk(accountId),
  sk: `ENTRY#${createdAtIso}#${transferId}`,
});

export const ENTRY_SK_PREFIX = "ENTRY#";

export const accountPartition = accountPk;

export const transferKey = (transferId: string): ItemKey => ({
  pk: `TRANSFER#${transferId}`,
  sk: "TRANSFER",
});

export const creditRefKey = (accountId: string, reference: string): ItemKey => ({
  pk: accountPk(accountId),
  sk: `CREDITREF#${reference}`,
});

export const holdKey = (holdId: string): ItemKey => ({ pk: `HOLD#${holdId}`, sk: "HOLD" });

/** GSI1 sort key of a pending hold: ordered by expiry so the sweeper reads the expired ones first. */
export const pendingHoldGsi1 = (
  expiresAtIso: string,
  holdId: string,
): { gsi1pk: string; gsi1sk: string } => ({
  gsi1pk: PENDING_HOLDS_GSI1PK,
  gsi1sk: `${expiresAtIso}#${holdId}`,
});

export const orderKey = (orderId: string): ItemKey => ({ pk: `ORDER#${orderId}`, sk: "ORDER" });

export const accountOrdersGsi1 = (
  accountId: string,
  createdAtIso: string,
  orderId: string,
): { gsi1pk: string; gsi1sk: string } => ({
  gsi1pk: `ACCOUNT#${accountId}#ORDERS`,
  gsi1sk: `${createdAtIso}#${orderId}`,
});

export const apiKeyKey = (sha256Hex: string): ItemKey => ({ pk: `APIKEY#${sha256Hex}`, sk: "APIKEY" });

export const idempotencyKey = (accountId: string, key: string): ItemKey => ({
  pk: `IDEM#${accountId}#${key}`,
  sk: "IDEM",
});

export const fleetCapacityKey = (fleetId: string): ItemKey => ({ pk: `FLEET#${fleetId}`, sk: "CAPACITY" });
