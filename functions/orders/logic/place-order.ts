// PlaceOrder: rank the fleets that may run the order (domain), then admit capacity on the best one that has room
// and mark the order running, atomically. A retry of a placed order returns the same placement.
import {
  acceleratorFor,
  FLEETS,
  type FleetSpec,
  fleetById,
  modelById,
} from "../../../layers/core/src/catalog/catalog";
import {
  ConflictError,
  NoCapacityError,
  NotFoundError,
  UnknownModelError,
  ValidationError,
} from "../../../layers/core/src/domain/errors";
import {
  anyFleetEligible,
  type PlacementInput,
  rankFleets,
} from "../../../layers/core/src/domain/scheduling";
import { getAccount } from "../../../layers/core/src/store/account-store";
import { getOrder, placeOrderOnFleet, setQueueReason } from "../../../layers/core/src/store/order-store";
import { type TableRef, TransactionCancelled } from "../../../layers/core/src/store/table";
import type { OrderInput, Placement } from "./state";

/** Worker heartbeat period the dispatch message announces (the ASL's HeartbeatSeconds). */
export const HEARTBEAT_SECONDS = 10;

export interface PlaceDeps {
  readonly table: TableRef;
  readonly queueUrlFor: (fleetId: string) => string;
  /** In-flight orders per fleet, for scoring only (admission is a conditional write): may be slightly stale. */
  readonly fleetLoads: (fleetIds: readonly string[]) => Promise<Map<string, number>>;
}

function placementOf(fleet: FleetSpec, deps: PlaceDeps): Placement {
  return {
    fleetId: fleet.id,
    queueUrl: deps.queueUrlFor(fleet.id),
    chipFamily: fleet.chipFamily,
    region: fleet.region,
    computeProviderId: fleet.computeProviderId,
    engine: fleet.engine,
    heartbeatSeconds: HEARTBEAT_SECONDS,
  };
}

export async function placeOrder(deps: PlaceDeps, input: OrderInput): Promise<Placement> {
  const model = modelById(input.model);
  if (model === undefined) throw new UnknownModelError(input.model);

  const candidates = FLEETS.filter((f) => f.models.includes(model.id));
  // No read of the order: the placement transaction requires it to be queued, and a retry of a placed order
  // lands in the TransactionCancelled path below, which reads it once. The two reads left are independent.
  const [account, inFlight] = await Promise.all([
    getAccount(deps.table, input.accountId),
    deps.fleetLoads(candidates.map((f) => f.id)),
  ]);
  if (account === undefined) throw new NotFoundError(`no account ${input.accountId}`);
  const routing = input.routing ?? {};
  const placement: PlacementInput = {
    modelId: model.id,
    routing: {
      ...(routing.prefer ? { prefer: routing.prefer } : {}),
      ...(routing.chip_family ? { chipFamily: routing.chip_family } : {}),
      ...(routing.only ? { only: routing.only } : {}),
      ...(routing.ignore ? { ignore: routing.ignore } : {}),
      allowFallback: routing.allow_fallback === true,
    },
    domesticOnly: account.policy.domesticChipsOnly,
    fleets: candidates,
    acceleratorFor,
    inFlight,
  };
  if (!anyFleetEligible(placement)) {
    throw new ValidationError(
      `no fleet can serve ${model.id} under the routing constraints and policy`,
      "routing",
    );
  }

  // Bounded by the number of fleets: each is tried at most once.
  for (const { fleet } of rankFleets(placement)) {
    try {
      const ok = await placeOrderOnFleet(deps.table, {
        orderId: input.orderId,
        fleetId: fleet.id,
        capacitySlots: fleet.capacitySlots,
      });
      if (ok) return placementOf(fleet, deps);
    } catch (error) {
      if (!(error instanceof TransactionCancelled)) throw error;
      // The order moved under us: a concurrent retry placed it, or it was canceled.
      const now = await getOrder(deps.table, input.orderId);
      if (now === undefined) throw new NotFoundError(`no order ${input.orderId}`);
      const fleetNow = now.fleetId === undefined ? undefined : fleetById(now.fleetId);
      if (now.status === "running" && fleetNow) return placementOf(fleetNow, deps);
      throw new ConflictError(`order ${input.orderId} is ${now.status}`);
    }
  }
  await setQueueReason(deps.table, input.orderId, "capacity");
  throw new NoCapacityError(`every fleet that can serve ${model.id} is at capacity`);
}
