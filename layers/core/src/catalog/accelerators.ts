// Accelerator profiles per chip family, copied from catalog-reference.json `accelerators` (one profile per family:
// for ascend-910b the 910B3 row, the 910B4 inference SKU is noted). Used for placement scoring, simulated latency and
// energy. relThroughput is relative to ascend-910b = 1.0 as in the reference.
import type { ChipFamily } from "./chip-family";

export interface AcceleratorProfile {
  readonly family: ChipFamily;
  readonly sku: string;
  readonly vendor: string;
  readonly memGb: number;
  readonly boardPowerW: number;
  /** Relative decode throughput, in thousandths (1000 = ascend-910b), kept integer for exact arithmetic. */
  readonly relThroughputMilli: number;
  readonly relThroughput: number;
  readonly engines: readonly string[];
  readonly openaiApi: boolean | "EST";
  readonly sources: string;
}

function profile(p: Omit<AcceleratorProfile, "relThroughput">): AcceleratorProfile {
  return { ...p, relThroughput: p.relThroughputMilli / 1000 };
}

export const ACCELERATORS: readonly AcceleratorProfile[] = [
  profile({
    family: "ascend-910b",
    sku: "Ascend 910B3 (Atlas 800I/800T A2); also 910B4 inference 32GB/310W/0.9",
    vendor: "Huawei",
    memGb: 64,
    boardPowerW: 380,
    relThroughputMilli: 1000,
    engines: ["MindIE", "vllm-ascend", "SGLang", "LMDeploy"],
    openaiApi: true,
    sources:
      "mem/fp16: llm-infer-cal DB [3P]; bw: CANN constants [3P]; power: EST (older article says 350W max)",
  }),
  profile({
    family: "ascend-910c",
    sku: "Ascend 910C (Atlas A3 / CloudMatrix 384)",
    vendor: "Huawei",
    memGb: 128,
    boardPowerW: 700,
    relThroughputMilli: 2500,
    engines: ["MindIE", "vllm-ascend (A3 image)", "SGLang"],
    openaiApi: true,
    sources: "TechPowerUp 2025-04 (780 BF16, 3.2TB/s) [3P]; mem 128 vs 96 GB conflict → EST; power EST",
  }),
  profile({
    family: "cambricon-mlu370",
    sku: "MLU370-X8",
    vendor: "Cambricon",
    memGb: 48,
    boardPowerW: 250,
    relThroughputMilli: 310,
    engines: ["vllm-mlu", "LMDeploy(camb)", "MagicMind"],
    openaiApi: true,
    sources: "Cambricon launch 2022-03 (reprint) [O]",
  }),
  profile({
    family: "cambricon-mlu590",
    sku: "MLU590",
    vendor: "Cambricon",
    memGb: 80,
    boardPowerW: 350,
    relThroughputMilli: 960,
    engines: ["vllm-mlu", "SGLang(torch_mlu)"],
    openaiApi: true,
    sources: "mem 80GB [3P unverified]; fp16/power EST",
  }),
  profile({
    family: "hygon-dcu",
    sku: "DCU K100-AI (also BW1000/BW1100)",
    vendor: "Hygon",
    memGb: 64,
    boardPowerW: 350,
    relThroughputMilli: 630,
    engines: ["vLLM (DTK)", "SGLang", "Xinference"],
    openaiApi: true,
    sources: "64GB: HAMi/GPUStack fixtures, SJTU Pi2.0 [3P]; bw [3P community table]; fp16/power EST",
  }),
  profile({
    family: "kunlunxin-p800",
    sku: "Kunlunxin P800",
    vendor: "Kunlunxin (Baidu)",
    memGb: 96,
    boardPowerW: 400,
    relThroughputMilli: 1110,
    engines: ["vLLM-Kunlun", "Paddle FastDeploy"],
    openaiApi: true,
    sources:
      "96GB: PaddlePaddle docs [O]; 345 TFLOPS press, not independently verified [3P]; power EST; FP8 supported [3P]",
  }),
  profile({
    family: "iluvatar-corex",
    sku: "BI-V150 (天垓150)",
    vendor: "Iluvatar CoreX",
    memGb: 64,
    boardPowerW: 350,
    relThroughputMilli: 620,
    engines: ["vLLM (CoreX 4.2)", "FastDeploy"],
    openaiApi: true,
    sources:
      "192 TFLOPS press [3P]; 32GB per visible device (HAMi fixture) [3P]; power EST. Reference: BI-V100 32GB/147TF/300W [3P TechPowerUp]",
  }),
  profile({
    family: "moorethreads-s4000",
    sku: "MTT S4000",
    vendor: "Moore Threads",
    memGb: 48,
    boardPowerW: 450,
    relThroughputMilli: 320,
    engines: ["vllm-musa", "llama.cpp(MUSA)"],
    openaiApi: true,
    sources: "Titan Computers 2024-01; tweakpc [3P]",
  }),
  profile({
    family: "metax-c500",
    sku: "曦云 C500",
    vendor: "MetaX",
    memGb: 64,
    boardPowerW: 350,
    relThroughputMilli: 770,
    engines: ["vLLM-metax", "SGLang", "LMDeploy(MACA)"],
    openaiApi: true,
    sources:
      "64GB fixtures [3P]; 240 = vendor INT8 480/2 [3P], matches CCTV 984P/4096 cards [O-reprint]; bw/power EST",
  }),
  profile({
    family: "enflame-s60",
    sku: "Enflame S60",
    vendor: "Enflame",
    memGb: 48,
    boardPowerW: 300,
    relThroughputMilli: 540,
    engines: ["vllm-gcu", "candle-vllm-gcu", "FastDeploy"],
    openaiApi: true,
    sources: "48GB (efsmi 49120MiB) [3P]; no FP8 [3P]; fp16/power EST",
  }),
  profile({
    family: "biren",
    sku: "BR104 / 壁砺104P",
    vendor: "Biren",
    memGb: 32,
    boardPowerW: 300,
    relThroughputMilli: 1090,
    engines: ["vendor SUPA stack / vendor vLLM fork (EST)"],
    openaiApi: "EST",
    sources:
      "Tom's Hardware 2022-08 (32GB, 819GB/s, 300W; vendor BF16 512 claim) [3P]; 339 TF derived from CCTV 450P/1328 cards [O-reprint]",
  }),
  profile({
    family: "nvidia-h20",
    sku: "NVIDIA H20",
    vendor: "NVIDIA (China-compliant)",
    memGb: 96,
    boardPowerW: 400,
    relThroughputMilli: 470,
    engines: ["vLLM", "SGLang", "TensorRT-LLM"],
    openaiApi: true,
    sources: "willitrunai; tweaktown; zangshuxian [3P]",
  }),
  profile({
    family: "nvidia-a800",
    sku: "NVIDIA A800 80GB SXM",
    vendor: "NVIDIA (China-compliant)",
    memGb: 80,
    boardPowerW: 400,
    relThroughputMilli: 1000,
    engines: ["vLLM", "SGLang", "TensorRT-LLM", "LMDeploy"],
    openaiApi: true,
    sources: "A100 spec table (jishuzhan) + KP backfill 'A100 同源 dense 312' [3P]; PCIe variant 300W",
  }),
];
