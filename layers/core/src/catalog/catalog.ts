// Lookups over the static catalog. Pure: the catalog is code, versioned with the prices' sources.
import { ACCELERATORS, type AcceleratorProfile } from "./accelerators";
import type { ChipFamily } from "./chip-family";
import { FLEETS, type FleetSpec } from "./fleets";
import { MODELS, type ModelSpec } from "./models";

const modelsById = new Map<string, ModelSpec>();
for (const m of MODELS) {
  modelsById.set(m.id, m);
  for (const alias of m.aliases) modelsById.set(alias, m);
}
const fleetsById = new Map(FLEETS.map((f) => [f.id, f]));
const acceleratorsByFamily = new Map(ACCELERATORS.map((a) => [a.family, a]));

/** Model by id or alias. */
export function modelById(id: string): ModelSpec | undefined {
  return modelsById.get(id);
}

export function fleetById(id: string): FleetSpec | undefined {
  return fleetsById.get(id);
}

/** Fleets that serve the model (its chip families include the fleet's), in catalog order. */
export function fleetsForModel(modelId: string): readonly FleetSpec[] {
  const model = modelById(modelId);
  if (model === undefined) return [];
  return FLEETS.filter((f) => f.models.includes(model.id));
}

export function acceleratorFor(family: ChipFamily): AcceleratorProfile {
  const profile = acceleratorsByFamily.get(family);
  if (profile === undefined) throw new Error(`no accelerator profile for ${family}`);
  return profile;
}

export { CHIP_FAMILIES, type ChipFamily, isDomesticFamily } from "./chip-family";
export type { AcceleratorProfile, FleetSpec, ModelSpec };
export { ACCELERATORS, FLEETS, MODELS };
