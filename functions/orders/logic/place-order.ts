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
import { getFleetLoads } from "../../../layers/core/src/store/fleet-store";
import { getOrder, placeOrderOnFleet, setQueueReason } from "../../../layers/core/src/store/order-store";
import { type TableRef, TransactionCancelled } from "../../../layers/core/src/store/table";
import type { OrderInput, Placement } from "./state";

/** Worker heartbeat period the dispatch message announces (the ASL's HeartbeatSeconds). */
export const HEARTBEAT_SECONDS = 10;

export interface PlaceDeps {
  readonly table: TableRef;
  readonly queueUrlFor: (fleetId: string) => string;
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

  const order = await getOrder(deps.table, input.orderId);
  if (order === undefined) throw new NotFoundError(`no order ${input.orderId}`);
  const placed = order.fleetId === undefined ? undefined : fleetById(order.fleetId);
  if (order.status === "running" && placed) return placementOf(placed, deps);
  if (order.status !== "queued") throw new ConflictError(`order ${order.id} is ${order.status}`);

  const account = await getAccount(deps.table, input.accountId);
  if (account === undefined) throw new NotFoundError(`no account ${input.accountId}`);
  const routing = input.routing ?? {};
  const candidates = FLEETS.filter((f) => f.models.includes(model.id));
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
    inFlight: await getFleetLoads(
      deps.table,
      candidates.map((f) => f.id),
    ),
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
        orderId: order.id,
        fleetId: fleet.id,
        capacitySlots: fleet.capacitySlots,
      });
      if (ok) return placementOf(fleet, deps);
    } catch (error) {
      if (!(error instanceof TransactionCancelled)) throw error;
      // The order moved under us: a concurrent retry placed it, or it was canceled.
      const now = await getOrder(deps.table, order.id);
      const fleetNow = now?.fleetId === undefined ? undefined : fleetById(now.fleetId);
      if (now?.status === "running" && fleetNow) return placementOf(fleetNow, deps);
      throw new ConflictError(`order ${order.id} is ${now?.status ?? "missing"}`);
    }
  }
  await setQueueReason(deps.table, order.id, "capacity");
  throw new NoCapacityError(`every fleet that can serve ${model.id} is at capacity`);
}
