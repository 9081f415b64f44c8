// Chip families: the unit a fleet is built from. Model rows in the reference name SKUs ("hygon-k100ai"); this maps
// them onto the accelerator families of the reference's `accelerators` table.

export const CHIP_FAMILIES = [
  "ascend-910b",
  "ascend-910c",
  "cambricon-mlu370",
  "cambricon-mlu590",
  "hygon-dcu",
  "kunlunxin-p800",
  "iluvatar-corex",
  "moorethreads-s4000",
  "metax-c500",
  "enflame-s60",
  "biren",
  "nvidia-h20",
  "nvidia-a800",
] as const;

export type ChipFamily = (typeof CHIP_FAMILIES)[number];

/** SKU names used in model rows that differ from the family name. */
const SKU_TO_FAMILY: Readonly<Record<string, ChipFamily>> = {
  "hygon-k100ai": "hygon-dcu",
  "iluvatar-bi-v150": "iluvatar-corex",
};

export function isChipFamily(value: string): value is ChipFamily {
  return (CHIP_FAMILIES as readonly string[]).includes(value);
}

/** Family of a chip name from a model row; undefined for "vendor-hosted" (runs only at the vendor). */
export function chipFamilyOf(chip: string): ChipFamily | undefined {
  const mapped = SKU_TO_FAMILY[chip];
  if (mapped !== undefined) return mapped;
  return isChipFamily(chip) ? chip : undefined;
}

/** Foreign families; everything else in the list is domestic (the "domestic chips only" policy). */
export function isDomesticFamily(family: ChipFamily): boolean {
  return !family.startsWith("nvidia-");
}
