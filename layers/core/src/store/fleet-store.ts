// Fleet capacity rows (FLEET#<id> / CAPACITY): in-flight counters admitted and released with conditional writes.
import { BatchGetItemCommand, type TransactWriteItem } from "@aws-sdk/client-dynamodb";
import { fleetCapacityKey } from "./keys";
import { type Item, keyItem, num, str, type TableRef, TransactionCancelled, transact, update } from "./table";

/** Admit one slot on a fleet: ADD inFlight 1 unless the fleet is full. */
export function capacityAdmitItem(t: TableRef, fleetId: string, capacitySlots: number): TransactWriteItem {
  return update(t, fleetCapacityKey(fleetId), "ADD inFlight :one SET capacitySlots = :cap, fleetId = :f", {
    condition: "attribute_not_exists(inFlight) OR inFlight < :cap",
    values: { ":one": 1, ":cap": capacitySlots, ":f": fleetId },
  });
}

/** Release one slot (never below 0). */
export function capacityReleaseItem(t: TableRef, fleetId: string): TransactWriteItem {
  return update(t, fleetCapacityKey(fleetId), "ADD inFlight :minus", {
    condition: "inFlight > :zero",
    values: { ":minus": -1, ":zero": 0 },
  });
}

/** Takes one slot if the fleet has one free. */
export async function admitCapacity(t: TableRef, fleetId: string, capacitySlots: number): Promise<boolean> {
  try {
    await transact(t, `admit:${fleetId}:${Date.now()}:${Math.random()}`, [
      capacityAdmitItem(t, fleetId, capacitySlots),
    ]);
    return true;
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failedAt(0)) return false;
    throw error;
  }
}

/** Frees one slot; false when the counter was already 0. */
export async function releaseCapacity(t: TableRef, fleetId: string): Promise<boolean> {
  try {
    await transact(t, `release:${fleetId}:${Date.now()}:${Math.random()}`, [capacityReleaseItem(t, fleetId)]);
    return true;
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failedAt(0)) return false;
    throw error;
  }
}

const MAX_BATCH_KEYS = 100;
const MAX_UNPROCESSED_ROUNDS = 5;

/** In-flight orders per fleet (missing rows = 0). */
export async function getFleetLoads(t: TableRef, fleetIds: readonly string[]): Promise<Map<string, number>> {
  if (fleetIds.length > MAX_BATCH_KEYS) throw new RangeError(`at most ${MAX_BATCH_KEYS} fleets`);
  const loads = new Map<string, number>();
  if (fleetIds.length === 0) return loads;
  let keys: Item[] | undefined = fleetIds.map((id) => keyItem(fleetCapacityKey(id)));
  for (let round = 0; keys && keys.length > 0 && round < MAX_UNPROCESSED_ROUNDS; round++) {
    const out = await t.client.send(
      new BatchGetItemCommand({ RequestItems: { [t.tableName]: { Keys: keys, ConsistentRead: true } } }),
    );
    for (const item of out.Responses?.[t.tableName] ?? [])
      loads.set(str(item, "fleetId"), num(item, "inFlight"));
    keys = out.UnprocessedKeys?.[t.tableName]?.Keys as Item[] | undefined;
  }
  return loads;
}

/**
 * getFleetLoads behind a short, bounded in-memory cache. Loads only rank fleets (admission is the conditional
 * write), so a reading up to `maxAgeMs` old is good enough and saves a BatchGetItem on most placements.
 */
export function cachedFleetLoads(
  t: TableRef,
  maxAgeMs: number,
  now: () => number = Date.now,
): (fleetIds: readonly string[]) => Promise<Map<string, number>> {
  const MAX_ENTRIES = 256;
  const cache = new Map<string, { loads: Map<string, number>; readAtMs: number }>();
  return async (fleetIds) => {
    const key = fleetIds.join(",");
    const hit = cache.get(key);
    if (hit && now() - hit.readAtMs <= maxAgeMs) return hit.loads;
    const loads = await getFleetLoads(t, fleetIds);
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(key, { loads, readAtMs: now() });
    return loads;
  };
}
