/** What the local cloud writes to `.local/outputs.json` (API.md, "Local cloud handshake"). */
export interface LocalOutputs {
  apiUrl: string;
  awsEndpoint: string;
  adminKey: string;
  region: string;
  outputs: Record<string, string>;
  fleets: Record<string, { queueUrl: string; dlqUrl: string }>;
}

/** The one fleet the test cloud runs no worker for: tests start, kill and starve their own worker there. */
export const CHAOS_FLEET_ID = "shanghai-cambricon-mlu590";
