import { orderIdFor, submitOrder, waitForOrderExecution } from "../../../layers/core/src/aws/order-engine";
import { MODELS, modelById } from "../../../layers/core/src/catalog/catalog";
import { UnknownModelError } from "../../../layers/core/src/domain/errors";
import { requireRole } from "../../../layers/core/src/http/auth";
import { orderFailureError } from "../../../layers/core/src/http/error-mapping";
import {
  notFound,
  orderStillRunning,
  resourceId,
  streamNotSupported,
} from "../../../layers/core/src/http/http-error";
import { idempotencyKeyOf, idempotent } from "../../../layers/core/src/http/idempotency";
import { toOrderRequest } from "../../../layers/core/src/http/requests";
import {
  json,
  receiptSchema,
  toBalance,
  toChatCompletion,
  toLedgerPage,
  toModelList,
  toOrder,
} from "../../../layers/core/src/http/responses";
import { chatCompletionRequest, ledgerQuery } from "../../../layers/core/src/http/schemas";
import { parseOrThrow } from "../../../layers/core/src/http/validate";
import { getBalance, listEntries } from "../../../layers/core/src/store/ledger-store";
import { getOrder } from "../../../layers/core/src/store/order-store";
import type { Deps, RouteDef } from "../deps";

// Buyer routes: the OpenAI-compatible chat completion (one order per call) and the account's own reads.

export const buyerRoutes = ({ table, sfn, stateMachineArn, syncWaitMs }: Deps): RouteDef[] => [
  {
    method: "GET",
    path: "/v1/models",
    handler: async (event) => {
      requireRole(event, "admin", "buyer", "provider");
      return json(200, toModelList(MODELS));
    },
  },
  {
    method: "POST",
    path: "/v1/chat/completions",
    handler: async (event) => {
      const caller = requireRole(event, "buyer");
      const body = parseOrThrow(chatCompletionRequest, event.body);
      if (body.stream === true) throw streamNotSupported();
      const model = modelById(body.model);
      if (model === undefined) throw new UnknownModelError(body.model);
      // A deployment without the state machine is a server fault: a generic 500, the detail in the log.
      if (stateMachineArn === undefined) throw new Error("STATE_MACHINE_ARN is not set");
      return idempotent(table, caller.accountId, event, async () => {
        const orderId = orderIdFor(caller.accountId, idempotencyKeyOf(event));
        const createdAt = new Date();
        const executionArn = await submitOrder(table, sfn, stateMachineArn, {
          orderId,
          accountId: caller.accountId,
          model: model.id,
          request: toOrderRequest(body),
          ...(body.routing === undefined ? {} : { routing: body.routing }),
          createdAt: createdAt.toISOString(),
        });
        const outcome = await waitForOrderExecution(sfn, executionArn, { maxWaitMs: syncWaitMs });
        if (outcome.status === "RUNNING") throw orderStillRunning(orderId);
        if (outcome.status === "SUCCEEDED") {
          const receipt = receiptSchema.parse(outcome.output);
          return json(200, toChatCompletion(receipt, model.id, Math.floor(createdAt.getTime() / 1000)));
        }
        const order = await getOrder(table, orderId);
        throw orderFailureError(orderId, order?.error);
      });
    },
  },
  {
    method: "GET",
    path: "/v1/orders/{id}",
    handler: async (event) => {
      const caller = requireRole(event, "admin", "buyer");
      const order = await getOrder(table, resourceId(event.pathParameters.id, "order"));
      // Someone else's order is indistinguishable from a missing one.
      if (order === undefined || (caller.role !== "admin" && order.accountId !== caller.accountId)) {
        throw notFound("No such order");
      }
      return json(200, toOrder(order));
    },
  },
  {
    method: "GET",
    path: "/v1/balance",
    handler: async (event) => {
      const caller = requireRole(event, "buyer", "provider");
      return json(200, toBalance(await getBalance(table, caller.accountId)));
    },
  },
  {
    method: "GET",
    path: "/v1/ledger",
    handler: async (event) => {
      const caller = requireRole(event, "buyer", "provider");
      const query = parseOrThrow(ledgerQuery, event.queryStringParameters);
      const page = await listEntries(table, caller.accountId, {
        limit: query.limit ?? 20,
        cursor: query.cursor,
      });
      return json(200, toLedgerPage(page));
    },
  },
];
