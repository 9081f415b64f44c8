// SettleOrder: charge the worker's usage (never above the hold), split it three ways, account energy and carbon,
// and post it all in one transaction with the order's success and the fleet slot's release. A retry is a no-op that
// returns the first receipt.
import { acceleratorFor, fleetById, modelById } from "../../../layers/core/src/catalog/catalog";
import { ConflictError, UnknownModelError } from "../../../layers/core/src/domain/errors";
import { carbonFor, thousandthsToNumber } from "../../../layers/core/src/domain/green";
import { settlementTransferId } from "../../../layers/core/src/domain/ids";
import { formatMicros, parseMicros } from "../../../layers/core/src/domain/money";
import { cappedCharge } from "../../../layers/core/src/domain/pricing";
import type { Receipt } from "../../../layers/core/src/domain/receipt";
import { SPLIT_POLICY_TEXT, splitCharge } from "../../../layers/core/src/domain/split";
import { capacityReleaseItem } from "../../../layers/core/src/store/fleet-store";
import { postHold } from "../../../layers/core/src/store/hold-store";
import { PLATFORM_ACCOUNT_ID } from "../../../layers/core/src/store/ledger-rows";
import { getOrder, settleOrderItem } from "../../../layers/core/src/store/order-store";
import type { TableRef } from "../../../layers/core/src/store/table";
import type { Execution, OrderInput, Placement, Reservation } from "./state";

export interface SettleDeps {
  readonly table: TableRef;
  readonly now: () => Date;
}

export type SettleStateInput = OrderInput & {
  reservation: Reservation;
  placement: Placement;
  execution: Execution;
};

export async function settleOrder(deps: SettleDeps, input: SettleStateInput): Promise<Receipt> {
  // No reads before the post: the hold's pending→posted condition makes a retried settle a replay (handled
  // below), and the held amount travels in the state (the hold re-checks it).
  const model = modelById(input.model);
  if (model === undefined) throw new UnknownModelError(input.model);
  const fleet = fleetById(input.placement.fleetId);
  if (fleet === undefined) throw new ConflictError(`unknown fleet ${input.placement.fleetId}`);
  const heldMicros = parseMicros(input.reservation.heldMicros);
  const { usage } = input.execution;
  const charge = cappedCharge(model, usage, heldMicros);
  const split = splitCharge(charge.chargedMicros);
  const profile = acceleratorFor(fleet.chipFamily);
  const totalTokens = usage.promptTokens + usage.completionTokens;
  const carbon = carbonFor(
    {
      boardPowerW: profile.boardPowerW,
      relThroughputMilli: profile.relThroughputMilli,
      pueMilli: fleet.pueMilli,
      greenShareBp: fleet.greenShareBp,
      gridFactorMgPerKwh: fleet.gridFactorMgPerKwh,
    },
    input.execution.busyMs,
    totalTokens,
  );

  const receipt: Receipt = {
    orderId: input.orderId,
    model: model.id,
    content: input.execution.content,
    finishReason: input.execution.finishReason,
    usage: { promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, totalTokens },
    billing: {
      orderId: input.orderId,
      chargedMicros: formatMicros(charge.chargedMicros),
      heldMicros: formatMicros(heldMicros),
      currency: "CNY",
      breakdown: {
        modelProviderMicros: formatMicros(split.modelProviderMicros),
        computeProviderMicros: formatMicros(split.computeProviderMicros),
        platformMicros: formatMicros(split.platformMicros),
      },
      policy: SPLIT_POLICY_TEXT,
      capped: charge.capped,
      uncappedMicros: formatMicros(charge.uncappedMicros),
    },
    compute: {
      fleetId: fleet.id,
      chipFamily: fleet.chipFamily,
      hostId: input.execution.hostId,
      region: fleet.region,
      engine: input.execution.engine,
    },
    carbon: {
      energyWh: thousandthsToNumber(carbon.energyMilliWh),
      gco2e: thousandthsToNumber(carbon.co2eMg),
      greenShare: fleet.greenShare,
      gridFactorSource: fleet.gridFactorSource,
      busyMs: carbon.busyMs,
      estimated: carbon.estimated,
    },
  };

  const now = deps.now();
  const result = await postHold(
    deps.table,
    {
      holdId: input.reservation.holdId,
      expected: { accountId: input.accountId, amountMicros: heldMicros, orderId: input.orderId },
      now,
      legs: [
        {
          transferId: settlementTransferId(input.orderId, "model"),
          type: "settlement.model_provider",
          creditAccountId: model.modelProviderId,
          amountMicros: split.modelProviderMicros,
        },
        {
          transferId: settlementTransferId(input.orderId, "compute"),
          type: "settlement.compute_provider",
          creditAccountId: fleet.computeProviderId,
          amountMicros: split.computeProviderMicros,
        },
        {
          transferId: settlementTransferId(input.orderId, "platform"),
          type: "settlement.platform",
          creditAccountId: PLATFORM_ACCOUNT_ID,
          amountMicros: split.platformMicros,
        },
      ],
    },
    [
      capacityReleaseItem(deps.table, fleet.id),
      settleOrderItem(deps.table, input.orderId, receipt, now.toISOString()),
    ],
  );
  if (result.replayed) {
    const settled = await getOrder(deps.table, input.orderId);
    if (settled?.receipt) return settled.receipt;
  }
  return receipt;
}
