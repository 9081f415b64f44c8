// The worker fleets: hosts of one chip family, one engine, one region. Infra creates one SQS queue (+ DLQ) per entry;
// the worker uses the chip profile for simulated latency and energy. Site figures (grid factor, PUE, green share)
// come from catalog-reference.json via grid.ts; a site without a green-power figure has green share 0.
import { cnyDecimalToMicros } from "../domain/money";
import { type ChipFamily, isDomesticFamily } from "./chip-family";
import {
  GREEN_SHARE_SOURCE,
  GREEN_SHARES_BP,
  GRID_FACTOR_SOURCE,
  GRID_FACTORS_MG_PER_KWH,
  type GridRegion,
  PUE_TARGETS_MILLI,
} from "./grid";
import { MODELS } from "./models";

export interface FleetSpec {
  readonly id: string;
  readonly chipFamily: ChipFamily;
  readonly domestic: boolean;
  readonly region: string;
  readonly engine: string;
  readonly computeProviderId: string;
  /** Orders the fleet runs at once (admitted with a conditional write on FLEET#<id>/CAPACITY). */
  readonly capacitySlots: number;
  readonly pueMilli: number;
  readonly pue: number;
  readonly greenShareBp: number;
  readonly greenShare: number;
  readonly gridRegion: GridRegion;
  readonly gridFactorMgPerKwh: number;
  /** kg CO2e per kWh, for display. */
  readonly gridFactor: number;
  readonly gridFactorSource: string;
  readonly greenShareSource: string | null;
  /** Card rental, micro-CNY per card-hour (reference EST ranges, midpoint): the "cheapest" routing score. */
  readonly rentalMicrosPerCardHour: bigint;
  readonly models: readonly string[];
}

interface FleetRow {
  id: string;
  chipFamily: ChipFamily;
  region: string;
  engine: string;
  operator: string;
  gridRegion: GridRegion;
  pue: keyof typeof PUE_TARGETS_MILLI;
  greenShare: keyof typeof GREEN_SHARES_BP;
}

// Reference `compute_rental_cny_per_card_hour_EST`: a800 [8, 12], domestic_retail [1.5, 3.0]; midpoints. The A800
// range is applied to the H20 as the only foreign-card figure we have.
const RENTAL_DOMESTIC_MICROS = cnyDecimalToMicros("2.25");
const RENTAL_FOREIGN_MICROS = cnyDecimalToMicros("10.0");
const CAPACITY_SLOTS = 16;

const ROWS: readonly FleetRow[] = [
  {
    id: "hohhot-ascend-910b",
    chipFamily: "ascend-910b",
    region: "inner-mongolia-hohhot",
    engine: "vllm-ascend",
    operator: "hohhot-dc",
    gridRegion: "inner_mongolia",
    pue: "western_clusters",
    greenShare: "hohhot_dc_green_power_share",
  },
  {
    id: "horinger-ascend-910c",
    chipFamily: "ascend-910c",
    region: "inner-mongolia-horinger",
    engine: "MindIE",
    operator: "horinger-dc",
    gridRegion: "inner_mongolia",
    pue: "western_clusters",
    greenShare: "horinger_cluster_green_share",
  },
  {
    id: "horinger-kunlunxin-p800",
    chipFamily: "kunlunxin-p800",
    region: "inner-mongolia-horinger",
    engine: "vLLM-Kunlun",
    operator: "horinger-dc",
    gridRegion: "inner_mongolia",
    pue: "western_clusters",
    greenShare: "horinger_cluster_green_share",
  },
  {
    id: "ningxia-hygon-dcu",
    chipFamily: "hygon-dcu",
    region: "ningxia-zhongwei",
    engine: "vLLM (DTK)",
    operator: "ningxia-dc",
    gridRegion: "northwest",
    pue: "western_clusters",
    greenShare: "none",
  },
  {
    id: "shanghai-cambricon-mlu590",
    chipFamily: "cambricon-mlu590",
    region: "shanghai",
    engine: "vllm-mlu",
    operator: "shanghai-dc",
    gridRegion: "east_china",
    pue: "eastern_clusters",
    greenShare: "none",
  },
  {
    id: "guangzhou-metax-c500",
    chipFamily: "metax-c500",
    region: "guangdong-guangzhou",
    engine: "vLLM-metax",
    operator: "guangzhou-dc",
    gridRegion: "south",
    pue: "eastern_clusters",
    greenShare: "none",
  },
  {
    id: "beijing-moorethreads-s4000",
    chipFamily: "moorethreads-s4000",
    region: "beijing",
    engine: "vllm-musa",
    operator: "beijing-dc",
    gridRegion: "north_china",
    pue: "hub_nodes",
    greenShare: "none",
  },
  {
    id: "beijing-nvidia-h20",
    chipFamily: "nvidia-h20",
    region: "beijing",
    engine: "vLLM",
    operator: "beijing-dc",
    gridRegion: "north_china",
    pue: "hub_nodes",
    greenShare: "none",
  },
];

function toSpec(row: FleetRow): FleetSpec {
  const domestic = isDomesticFamily(row.chipFamily);
  const pueMilli = PUE_TARGETS_MILLI[row.pue];
  const greenShareBp = GREEN_SHARES_BP[row.greenShare];
  const gridFactorMgPerKwh = GRID_FACTORS_MG_PER_KWH[row.gridRegion];
  return {
    id: row.id,
    chipFamily: row.chipFamily,
    domestic,
    region: row.region,
    engine: row.engine,
    computeProviderId: `prov_${row.operator}`,
    capacitySlots: CAPACITY_SLOTS,
    pueMilli,
    pue: pueMilli / 1000,
    greenShareBp,
    greenShare: greenShareBp / 10_000,
    gridRegion: row.gridRegion,
    gridFactorMgPerKwh,
    gridFactor: gridFactorMgPerKwh / 1_000_000,
    gridFactorSource: `${GRID_FACTOR_SOURCE} (${row.gridRegion})`,
    greenShareSource: greenShareBp > 0 ? `${GREEN_SHARE_SOURCE} (${row.greenShare})` : null,
    rentalMicrosPerCardHour: domestic ? RENTAL_DOMESTIC_MICROS : RENTAL_FOREIGN_MICROS,
    models: MODELS.filter((m) => m.chipFamilies.includes(row.chipFamily)).map((m) => m.id),
  };
}

export const FLEETS: readonly FleetSpec[] = ROWS.map(toSpec);
