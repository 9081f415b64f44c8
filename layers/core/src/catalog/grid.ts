// Grid emission factors, PUE targets and green-power shares, copied from catalog-reference.json
// `green_and_settlement`. Kept as exact integers: factors in mg CO2e per kWh (kg × 1e6), PUE in thousandths,
// shares in basis points, so carbon arithmetic is exact (domain/green.ts).
import { scaledDecimal } from "../domain/decimal";

export const GRID_FACTOR_SOURCE = "MEE+NBS 2022 factors, published 2024-12 [O-reprint]";
export const GREEN_SHARE_SOURCE = "NEA Inner Mongolia / People's Daily 2025-06-16; Xinhua 2025 [O-reprint]";
export const PUE_SOURCE = "catalog-reference.json pue_targets (national DC policy targets)";

/** kg CO2e/kWh text → integer mg CO2e/kWh. */
const kgPerKwh = (text: string): number => Number(scaledDecimal(text, 6));
/** Share text (0..1) → basis points. */
const shareBp = (text: string): number => Number(scaledDecimal(text, 4));
/** PUE text → thousandths. */
const pueMilli = (text: string): number => Number(scaledDecimal(text, 3));

export const GRID_FACTORS_MG_PER_KWH = {
  national_2022: kgPerKwh("0.5366"),
  north_china: kgPerKwh("0.6776"),
  east_china: kgPerKwh("0.5617"),
  south: kgPerKwh("0.3869"),
  northwest: kgPerKwh("0.5857"),
  inner_mongolia: kgPerKwh("0.6849"),
  hebei: kgPerKwh("0.7252"),
} as const;

export type GridRegion = keyof typeof GRID_FACTORS_MG_PER_KWH;

export const PUE_TARGETS_MILLI = {
  national_avg_2025: pueMilli("1.5"),
  new_large_dc_2025: pueMilli("1.3"),
  hub_nodes: pueMilli("1.25"),
  western_clusters: pueMilli("1.2"),
  eastern_clusters: pueMilli("1.25"),
  example_hohhot_bank_dc: pueMilli("1.18"),
} as const;

export const GREEN_SHARES_BP = {
  hohhot_dc_green_power_share: shareBp("0.86"),
  horinger_cluster_green_share: shareBp("0.8457"),
  /** No green-power figure in the reference for this site: count all energy at the grid factor. */
  none: 0,
} as const;
