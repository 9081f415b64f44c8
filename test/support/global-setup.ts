import type { TestProject } from "vitest/node";
import { FLEETS } from "../../layers/core/src/catalog/fleets";
import { CHAOS_FLEET_ID, type LocalOutputs } from "./local-cloud";
import { startLocalCloud } from "./start-cloud";

declare module "vitest" {
  export interface ProvidedContext {
    outputs: LocalOutputs;
    stateDir: string;
  }
}

/**
 * One local cloud for the whole `cloud` project, started as `npm start` starts it, with a simulated worker on
 * every fleet but CHAOS_FLEET_ID (tests run, kill and starve their own worker there).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cloud = await startLocalCloud({
    name: "test",
    workerFleets: FLEETS.map((f) => f.id).filter((id) => id !== CHAOS_FLEET_ID),
    latencyScale: 0,
  });
  project.provide("outputs", cloud.outputs);
  project.provide("stateDir", cloud.stateDir);
  return () => cloud.stop();
}
