// Accounts: buyers (with one BALANCE row carrying the balance constraint) and providers (sharded balances).
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { ValidationError } from "../domain/errors";
import { newId } from "../domain/ids";
import { accountKey, balanceKey } from "./keys";
import { BAL } from "./ledger-rows";
import { big, bool, type Item, keyItem, optStr, put, str, type TableRef, transact } from "./table";

export type BuyerKind = "government" | "enterprise" | "developer";
export type AccountKind = BuyerKind | "provider";

export interface AccountPolicy {
  readonly domesticChipsOnly: boolean;
}

export interface Account {
  readonly id: string;
  readonly name: string;
  readonly kind: AccountKind;
  readonly creditLimitMicros: bigint;
  readonly policy: AccountPolicy;
  readonly createdAt: string;
}

const MAX_NAME_LENGTH = 200;

function checkName(name: string): void {
  if (typeof name !== "string" || name.trim().length === 0 || name.length > MAX_NAME_LENGTH) {
    throw new ValidationError(`name must be 1..${MAX_NAME_LENGTH} characters`, "name");
  }
}

function accountOf(item: Item): Account {
  return {
    id: str(item, "id"),
    name: str(item, "name"),
    kind: str(item, "accountKind") as AccountKind,
    creditLimitMicros: big(item, "creditLimitMicros"),
    policy: { domesticChipsOnly: bool(item, "domesticChipsOnly") },
    createdAt: optStr(item, "createdAt") ?? "",
  };
}

/** A buyer account and its zeroed balance row, in one transaction. */
export async function createAccount(
  t: TableRef,
  input: { name: string; kind: BuyerKind; creditLimitMicros?: bigint; policy?: Partial<AccountPolicy> },
): Promise<Account> {
  checkName(input.name);
  const creditLimitMicros = input.creditLimitMicros ?? 0n;
  if (creditLimitMicros < 0n)
    throw new ValidationError("credit_limit_micros must be ≥ 0", "credit_limit_micros");
  const account: Account = {
    id: newId("acc"),
    name: input.name,
    kind: input.kind,
    creditLimitMicros,
    policy: { domesticChipsOnly: input.policy?.domesticChipsOnly === true },
    createdAt: new Date().toISOString(),
  };
  const notExists = "attribute_not_exists(pk)";
  await transact(t, `create-account:${account.id}`, [
    put(t, accountItem(account), notExists),
    put(
      t,
      {
        ...balanceKey(account.id),
        kind: "balance",
        accountId: account.id,
        [BAL.postedCredits]: 0n,
        [BAL.postedDebits]: 0n,
        [BAL.pendingDebits]: 0n,
        [BAL.available]: 0n,
        [BAL.spendable]: creditLimitMicros,
        [BAL.creditLimit]: creditLimitMicros,
      },
      notExists,
    ),
  ]);
  return account;
}

/** The ACCOUNT row of an account (buyer or provider). */
function accountItem(account: Account): Record<string, unknown> {
  return {
    ...accountKey(account.id),
    kind: "account",
    id: account.id,
    name: account.name,
    accountKind: account.kind,
    creditLimitMicros: account.creditLimitMicros,
    domesticChipsOnly: account.policy.domesticChipsOnly,
    createdAt: account.createdAt,
  };
}

/** A provider account (`prov_…`): credited through sharded balance rows, never debited by orders. */
export async function createProvider(t: TableRef, input: { name: string; id?: string }): Promise<Account> {
  checkName(input.name);
  const account: Account = {
    id: input.id ?? newId("prov"),
    name: input.name,
    kind: "provider",
    creditLimitMicros: 0n,
    policy: { domesticChipsOnly: false },
    createdAt: new Date().toISOString(),
  };
  await transact(t, `create-provider:${account.id}`, [
    put(t, accountItem(account), "attribute_not_exists(pk)"),
  ]);
  return account;
}

export async function getAccount(t: TableRef, accountId: string): Promise<Account | undefined> {
  const out = await t.client.send(
    new GetItemCommand({ TableName: t.tableName, Key: keyItem(accountKey(accountId)), ConsistentRead: true }),
  );
  return out.Item ? accountOf(out.Item) : undefined;
}
