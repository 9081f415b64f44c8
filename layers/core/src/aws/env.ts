// Function environment (docs/contracts.md), parsed once with a schema and failing loudly at init. AWS region,
// credentials and endpoints are NOT here: the SDK reads the standard variables (AWS_REGION, AWS_ENDPOINT_URL, ...).
import { z } from "zod";

const queueUrls = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "FLEET_QUEUE_URLS must be JSON" });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string(), z.string().url()));

/** CloudFormation cannot omit a variable conditionally, so an empty value means "not set". */
const unsetIfEmpty = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

const EnvSchema = z.object({
  TABLE_NAME: z.string().min(1),
  STATE_MACHINE_ARN: unsetIfEmpty(z.string().min(1)),
  FLEET_QUEUE_URLS: unsetIfEmpty(queueUrls),
  ADMIN_KEY_SHA256: unsetIfEmpty(
    z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/)
      .transform((hex) => hex.toLowerCase()),
  ),
  HOLD_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  SYNC_WAIT_MS: z.coerce.number().int().min(0).max(900_000).default(25_000),
  AWS_REGION: z.string().min(1).default("us-east-1"),
});

export type Env = z.infer<typeof EnvSchema>;

/** Parses an environment; throws with every problem listed. Exposed for tests. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    throw new Error(`invalid environment: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

let cached: Env | undefined;

/** The process environment, parsed on first use and then fixed for the life of the process. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Queue URL of a fleet from FLEET_QUEUE_URLS (PlaceOrder); throws when the deployment lacks it. */
export function fleetQueueUrl(fleetId: string): string {
  const url = env().FLEET_QUEUE_URLS?.[fleetId];
  if (url === undefined) throw new Error(`FLEET_QUEUE_URLS has no queue for fleet ${fleetId}`);
  return url;
}
