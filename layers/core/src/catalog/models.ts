// Model catalog seeded from shared/reference/catalog-reference.json (the rows whose chips are not only
// "vendor-hosted": those can run on a marketplace fleet). Prices are copied as decimal text in CNY per 1M tokens and
// scaled exactly to micros; price date and source travel with every price because prices drift.
import { cnyDecimalToMicros } from "../domain/money";
import { type ChipFamily, chipFamilyOf } from "./chip-family";

export interface ModelSpec {
  readonly id: string;
  readonly aliases: readonly string[];
  readonly displayName: string;
  /** Provider slug, the OpenAI `owned_by`. */
  readonly ownedBy: string;
  /** Ledger account credited with the model provider's share. */
  readonly modelProviderId: string;
  readonly contextLength: number;
  readonly inputMicrosPerMtok: bigint;
  readonly outputMicrosPerMtok: bigint;
  readonly priceDate: string;
  readonly priceSource: string;
  /** Chip families the model runs on here ("vendor-hosted" dropped, SKU names mapped to families). */
  readonly chipFamilies: readonly ChipFamily[];
  readonly chipsSource: string;
}

interface ModelRow {
  provider: string;
  ownedBy: string;
  id: string;
  aliases?: string[];
  display?: string;
  context: number;
  priceIn: string;
  priceOut: string;
  priceDate: string;
  priceSource: string;
  chips: string[];
  chipsSource: string;
}

// Copied from catalog-reference.json `models` (fields renamed, prices kept as their decimal text).
const ROWS: readonly ModelRow[] = [
  {
    provider: "DeepSeek",
    ownedBy: "deepseek",
    id: "deepseek-v4-pro",
    display: "DeepSeek-V4-Pro",
    context: 1_000_000,
    priceIn: "9.0",
    priceOut: "27.0",
    priceDate: "2026-09",
    priceSource: "api-docs.deepseek.com/zh-cn/quick_start/pricing [O]",
    chips: ["ascend-910c", "ascend-910b", "kunlunxin-p800", "metax-c500", "hygon-k100ai", "nvidia-h20"],
    chipsSource:
      "vllm-ascend/MindIE/SGLang-Ascend docs; vLLM-Kunlun; MetaX SGLang profile (V4 w8a8) [3P]; Hygon SGLang images [3P]",
  },
  {
    provider: "DeepSeek",
    ownedBy: "deepseek",
    id: "deepseek-flash",
    aliases: ["deepseek-v4-flash"],
    display: "DeepSeek-V4.1-Flash",
    context: 1_000_000,
    priceIn: "2.0",
    priceOut: "8.0",
    priceDate: "2026-09",
    priceSource: "api-docs.deepseek.com [O]",
    chips: ["ascend-910b", "moorethreads-s4000", "metax-c500", "kunlunxin-p800", "nvidia-h20", "nvidia-a800"],
    chipsSource: "vllm-musa V4-Flash recipe (S5000; S4000 = EST); others EST",
  },
  {
    provider: "DeepSeek (hosted on domestic chips)",
    ownedBy: "deepseek",
    id: "deepseek-r1",
    display: "DeepSeek-R1-0528",
    context: 131_072,
    priceIn: "4.0",
    priceOut: "16.0",
    priceDate: "2025",
    priceSource:
      "DeepSeek official deepseek-reasoner 4/16; Volcengine deepseek-r1 4/16 (lobe-chat volcengine.ts) [3P]",
    chips: [
      "ascend-910b",
      "hygon-k100ai",
      "enflame-s60",
      "cambricon-mlu590",
      "kunlunxin-p800",
      "nvidia-h20",
      "nvidia-a800",
    ],
    chipsSource:
      "MindIE R1 guide (2x Atlas 800I A2 W8A8); candle-vllm-gcu 8xS60; vllm-mlu V3.2; DCU all-in-one [3P]",
  },
  {
    provider: "Alibaba Qwen",
    ownedBy: "qwen",
    id: "qwen3.6-plus",
    context: 1_000_000,
    priceIn: "2.0",
    priceOut: "12.0",
    priceDate: "2026-05",
    priceSource: "qxytah/qwen-api-pricing citing Aliyun [3P]; intl $0.3/$1.8 cross-check (tier 0-256K)",
    chips: [
      "ascend-910b",
      "kunlunxin-p800",
      "hygon-k100ai",
      "metax-c500",
      "iluvatar-bi-v150",
      "enflame-s60",
      "moorethreads-s4000",
      "cambricon-mlu370",
      "nvidia-h20",
      "nvidia-a800",
    ],
    chipsSource:
      "open Qwen3.x weights served by all vendor vLLM forks [O READMEs]; hosted Plus itself is vendor-only",
  },
  {
    provider: "Zhipu",
    ownedBy: "zhipu",
    id: "glm-5",
    context: 204_800,
    priceIn: "6.0",
    priceOut: "22.0",
    priceDate: "2026",
    priceSource: "help.aliyun.com/zh/model-studio/glm-5-by-zhipu [O]",
    chips: ["ascend-910b", "kunlunxin-p800", "moorethreads-s4000", "nvidia-h20"],
    chipsSource: "vLLM-Kunlun GLM5 support (2026-02) [3P]; vllm-musa GLM images; Ascend EST",
  },
  {
    provider: "Moonshot",
    ownedBy: "moonshot",
    id: "kimi-k2.6",
    context: 262_144,
    priceIn: "4.0",
    priceOut: "16.0",
    priceDate: "EST",
    priceSource:
      "EST: K2-family official CNY list 4/16 (kimi-k2-0905, lobe-chat 2025); K2.6 CNY table not captured; intl resale $0.75/$3.50 (Venice)",
    chips: ["nvidia-h20", "ascend-910c"],
    chipsSource: "EST",
  },
  {
    provider: "MiniMax",
    ownedBy: "minimax",
    id: "MiniMax-M2.5",
    context: 204_800,
    priceIn: "2.1",
    priceOut: "8.4",
    priceDate: "2026",
    priceSource: "platform.minimaxi.com/docs/guides/pricing-paygo [O]",
    chips: ["nvidia-h20", "ascend-910b"],
    chipsSource: "EST",
  },
  {
    provider: "Baidu",
    ownedBy: "baidu",
    id: "ernie-4.5-turbo-128k",
    context: 131_072,
    priceIn: "0.8",
    priceOut: "3.2",
    priceDate: "2025",
    priceSource: "lobe-chat wenxin.ts citing Qianfan [3P]; LLM-Price 2025-06-14 [3P]",
    chips: ["kunlunxin-p800", "enflame-s60", "iluvatar-bi-v150", "metax-c500", "nvidia-a800"],
    chipsSource: "Paddle FastDeploy on P800/S60 [O docs]; others EST",
  },
  {
    provider: "Tencent",
    ownedBy: "tencent",
    id: "hunyuan-turbos-latest",
    context: 44_000,
    priceIn: "0.8",
    priceOut: "2.0",
    priceDate: "2025",
    priceSource:
      "lobe-chat hunyuan.ts; LLM-Price 2025-06-14 [3P]; newer hy3-preview (256K) price not captured",
    chips: ["vendor-hosted", "moorethreads-s4000"],
    chipsSource: "vllm-musa Hy4-preview image (open Hy models) [O]",
  },
  {
    provider: "China Telecom (TeleAI)",
    ownedBy: "china-telecom",
    id: "telechat2.5-115b",
    aliases: ["TeleChat3-36B-Thinking", "TeleChat3-105B-A4.7B-Thinking"],
    display: "星辰 TeleChat",
    context: 32_768,
    priceIn: "2.0",
    priceOut: "8.0",
    priceDate: "EST",
    priceSource: "EST (no public per-model price found); context EST from TeleChat2-35B-32K",
    chips: ["ascend-910b", "ascend-910c", "nvidia-a800"],
    chipsSource: "trained on Atlas 800T A2 (Tele-AI/TeleChat3 README) [O]; MindIE telechat support [O]",
  },
  {
    provider: "China Mobile",
    ownedBy: "china-mobile",
    id: "jiutian-cm",
    display: "九天 JIUTIAN-139MoE",
    context: 8_192,
    priceIn: "2.0",
    priceOut: "8.0",
    priceDate: "EST",
    priceSource: "EST; context from OpenCompass config max_seq_len 8192 [3P]",
    chips: ["ascend-910b", "nvidia-a800"],
    chipsSource: "README: training on heterogeneous GPU+NPU clusters [O]",
  },
  {
    provider: "China Unicom",
    ownedBy: "china-unicom",
    id: "unichat-32b-c1",
    display: "元景 Yuanjing (reasoning)",
    context: 32_768,
    priceIn: "2.0",
    priceOut: "8.0",
    priceDate: "EST",
    priceSource:
      "EST; Unicom AISP publishes only Token-Plan blended prices (niuniu/llm-intelligence 2026-05-23) [3P]",
    chips: ["ascend-910b", "hygon-k100ai", "nvidia-a800"],
    chipsSource: "Qwen2.5-32B base → any vLLM backend (EST)",
  },
];

function toSpec(row: ModelRow): ModelSpec {
  const families = new Set<ChipFamily>();
  for (const chip of row.chips) {
    const family = chipFamilyOf(chip);
    if (family !== undefined) families.add(family);
  }
  return {
    id: row.id,
    aliases: row.aliases ?? [],
    displayName: row.display ?? row.id,
    ownedBy: row.ownedBy,
    modelProviderId: `prov_${row.ownedBy}`,
    contextLength: row.context,
    inputMicrosPerMtok: cnyDecimalToMicros(row.priceIn),
    outputMicrosPerMtok: cnyDecimalToMicros(row.priceOut),
    priceDate: row.priceDate,
    priceSource: row.priceSource,
    chipFamilies: [...families],
    chipsSource: row.chipsSource,
  };
}

export const MODELS: readonly ModelSpec[] = ROWS.map(toSpec);
