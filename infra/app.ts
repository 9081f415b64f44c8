import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { DataStack } from "./stacks/data-stack";
import { PlatformStack } from "./stacks/platform-stack";

// The only place infra configuration is read. Everything below takes typed props.
const app = new App();
const stage = app.node.tryGetContext("stage") ?? process.env.STAGE ?? "local";

const data = new DataStack(app, `GreenExchange-${stage}-Data`, {
  description: "Single table: ledger, holds, wallets, orders, fleet capacity, api keys, idempotency.",
});
const platform = new PlatformStack(app, `GreenExchange-${stage}-Platform`, {
  description: "HTTP API, order pipeline (Step Functions), fleet queues, sweeper.",
  tableExports: data.exports,
  holdTtlSeconds: 900,
  syncWaitMs: 25_000,
  dispatchHeartbeatSeconds: 10,
  logRetentionDays: 30,
});
platform.addDependency(data, "imports the table by export name");

// cdk-nag runs at every synth: an unacknowledged AWS Solutions finding fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
