import { parseMicros } from "../../../layers/core/src/domain/money";
import { requireRole } from "../../../layers/core/src/http/auth";
import { notFound, resourceId } from "../../../layers/core/src/http/http-error";
import { idempotent } from "../../../layers/core/src/http/idempotency";
import { json, toBalance } from "../../../layers/core/src/http/responses";
import {
  createAccountRequest,
  createProviderRequest,
  creditAccountRequest,
} from "../../../layers/core/src/http/schemas";
import { parseOrThrow } from "../../../layers/core/src/http/validate";
import { createAccount, createProvider, getAccount } from "../../../layers/core/src/store/account-store";
import { generateApiKey, putApiKey } from "../../../layers/core/src/store/api-key-store";
import { creditAccount } from "../../../layers/core/src/store/ledger-store";
import type { ApiEvent, Deps, RouteDef } from "../deps";

// Operator routes (admin key): accounts, credits, providers.

export const operatorRoutes = ({ table }: Deps): RouteDef[] => [
  {
    method: "POST",
    path: "/v1/accounts",
    handler: async (event) => {
      const caller = requireRole(event, "admin");
      const body = parseOrThrow(createAccountRequest, event.body);
      return idempotent(table, caller.accountId, event, async () => {
        const account = await createAccount(table, {
          name: body.name,
          kind: body.kind,
          creditLimitMicros:
            body.credit_limit_micros === undefined ? undefined : parseMicros(body.credit_limit_micros),
          policy: { domesticChipsOnly: body.policy?.domestic_chips_only === true },
        });
        const key = generateApiKey("buyer");
        await putApiKey(table, {
          hash: key.hash,
          accountId: account.id,
          role: "buyer",
          createdAt: account.createdAt,
        });
        return json(201, { id: account.id, name: account.name, kind: account.kind, api_key: key.apiKey });
      });
    },
  },
  {
    method: "POST",
    path: "/v1/accounts/{id}/credits",
    handler: async (event: ApiEvent) => {
      const caller = requireRole(event, "admin");
      const accountId = resourceId(event.pathParameters.id, "account");
      const body = parseOrThrow(creditAccountRequest, event.body);
      return idempotent(table, caller.accountId, event, async () => {
        const account = await getAccount(table, accountId);
        // Only buyer accounts hold credits; a provider id is as unknown here as a made-up one.
        if (account === undefined || account.kind === "provider") throw notFound("No such account");
        const credit = await creditAccount(table, {
          accountId,
          amountMicros: parseMicros(body.amount_micros, "amount_micros"),
          source: body.source,
          reference: body.reference,
          issuer: body.issuer,
          expiresAt: body.expires_at,
        });
        return json(201, { transfer_id: credit.transferId, balance: toBalance(credit.balance) });
      });
    },
  },
  {
    method: "POST",
    path: "/v1/providers",
    handler: async (event) => {
      const caller = requireRole(event, "admin");
      const body = parseOrThrow(createProviderRequest, event.body);
      return idempotent(table, caller.accountId, event, async () => {
        const provider = await createProvider(table, { name: body.name });
        const key = generateApiKey("provider");
        await putApiKey(table, {
          hash: key.hash,
          accountId: provider.id,
          role: "provider",
          createdAt: provider.createdAt,
        });
        return json(201, { id: provider.id, name: provider.name, api_key: key.apiKey });
      });
    },
  },
];
