import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { z } from "zod";

// The slice of .local/outputs.json (written by the local cloud) the worker needs to find its queue.
const localOutputsSchema = z.object({
  awsEndpoint: z.string().optional(),
  region: z.string().optional(),
  fleets: z.record(z.string(), z.object({ queueUrl: z.string(), dlqUrl: z.string().optional() })),
});

export type LocalOutputs = z.infer<typeof localOutputsSchema>;

export function localOutputsPath(env: NodeJS.ProcessEnv, cwd = process.cwd()): string {
  // resolve, not join: LOCAL_STATE_DIR may be absolute (the test cloud uses one per run).
  return resolve(cwd, env.LOCAL_STATE_DIR || ".local", "outputs.json");
}

export async function readLocalOutputs(path: string): Promise<LocalOutputs> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new Error(
      `cannot read ${path} (is the local cloud running? or pass --queue-url): ${String(error)}`,
    );
  }
  const parsed = localOutputsSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(`${path} is not a local cloud outputs file: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
