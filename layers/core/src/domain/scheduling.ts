// Placement: filter the fleets that may run an order, then rank them by the buyer's preference. Pure and
// deterministic (ties broken by fleet id), so a retried PlaceOrder ranks the same way.
import type { AcceleratorProfile } from "../catalog/accelerators";
import type { ChipFamily } from "../catalog/chip-family";
import type { FleetSpec } from "../catalog/fleets";

export type RoutingPreference = "cheapest" | "fastest" | "greenest";

export interface Routing {
  readonly prefer?: RoutingPreference;
  readonly chipFamily?: readonly string[];
  readonly only?: readonly string[];
  readonly ignore?: readonly string[];
  /** When the constrained set (chip_family/only) has no free capacity, try the other eligible fleets. */
  readonly allowFallback?: boolean;
}

export interface PlacementInput {
  readonly modelId: string;
  readonly routing: Routing;
  readonly domesticOnly: boolean;
  readonly fleets: readonly FleetSpec[];
  readonly acceleratorFor: (family: ChipFamily) => AcceleratorProfile;
  /** Orders in flight per fleet id (missing = 0). */
  readonly inFlight: ReadonlyMap<string, number>;
}

export interface RankedFleet {
  readonly fleet: FleetSpec;
  readonly score: number;
  readonly fallback: boolean;
}

/** Lower is better for every preference. */
function score(fleet: FleetSpec, profile: AcceleratorProfile, prefer: RoutingPreference): number {
  const rel = profile.relThroughputMilli;
  switch (prefer) {
    case "cheapest":
      // card rental per unit of throughput: micro-CNY per card-hour / relative throughput
      return Number(fleet.rentalMicrosPerCardHour) / rel;
    case "fastest":
      return -rel;
    case "greenest":
      // operational gCO2e per unit of throughput: W × PUE × (1 − green) × grid factor / throughput
      return (
        (profile.boardPowerW * fleet.pueMilli * (10_000 - fleet.greenShareBp) * fleet.gridFactorMgPerKwh) /
        rel
      );
  }
}

function eligible(fleet: FleetSpec, input: PlacementInput): boolean {
  if (!fleet.models.includes(input.modelId)) return false;
  if (input.domesticOnly && !fleet.domestic) return false;
  if (input.routing.ignore?.includes(fleet.id)) return false;
  return true;
}

function preferred(fleet: FleetSpec, routing: Routing): boolean {
  if (routing.only && routing.only.length > 0 && !routing.only.includes(fleet.id)) return false;
  if (routing.chipFamily && routing.chipFamily.length > 0 && !routing.chipFamily.includes(fleet.chipFamily)) {
    return false;
  }
  return true;
}

function hasCapacity(fleet: FleetSpec, inFlight: ReadonlyMap<string, number>): boolean {
  return (inFlight.get(fleet.id) ?? 0) < fleet.capacitySlots;
}

/**
 * Fleets to try, best first: the preferred ones with free capacity, then (if allowed) the fallback ones.
 * Empty when nothing can run the order now.
 */
export function rankFleets(input: PlacementInput): RankedFleet[] {
  const prefer = input.routing.prefer ?? "cheapest";
  const rank = (fleets: FleetSpec[], fallback: boolean): RankedFleet[] =>
    fleets
      .map((fleet) => ({
        fleet,
        score: score(fleet, input.acceleratorFor(fleet.chipFamily), prefer),
        fallback,
      }))
      .sort((a, b) => a.score - b.score || (a.fleet.id < b.fleet.id ? -1 : a.fleet.id > b.fleet.id ? 1 : 0));

  const pool = input.fleets.filter((f) => eligible(f, input) && hasCapacity(f, input.inFlight));
  const first = rank(
    pool.filter((f) => preferred(f, input.routing)),
    false,
  );
  if (!input.routing.allowFallback) return first;
  return [
    ...first,
    ...rank(
      pool.filter((f) => !preferred(f, input.routing)),
      true,
    ),
  ];
}

/** Whether any fleet could ever serve the order under its constraints (capacity aside): 503 vs 400. */
export function anyFleetEligible(input: PlacementInput): boolean {
  return input.fleets.some(
    (f) => eligible(f, input) && (input.routing.allowFallback || preferred(f, input.routing)),
  );
}
