// Provider accounts named by the catalog (model providers `prov_<owner>`, compute providers `prov_<operator>`):
// settlement credits them by these ids, so a deployment creates them once, idempotently, to make them listable.
import { FLEETS, MODELS } from "../catalog/catalog";
import { createProvider, getAccount } from "./account-store";
import type { TableRef } from "./table";
import { TransactionCancelled } from "./table";

export function catalogProviderIds(): string[] {
  return [
    ...new Set([...MODELS.map((m) => m.modelProviderId), ...FLEETS.map((f) => f.computeProviderId)]),
  ].sort();
}

/** Creates the catalog's provider accounts that do not exist yet; returns the ids it created. */
export async function ensureCatalogProviders(t: TableRef): Promise<string[]> {
  const created: string[] = [];
  for (const id of catalogProviderIds()) {
    if (await getAccount(t, id)) continue;
    try {
      await createProvider(t, { id, name: id.slice("prov_".length) });
      created.push(id);
    } catch (error) {
      // created concurrently by another caller: fine
      if (!(error instanceof TransactionCancelled)) throw error;
    }
  }
  return created;
}
