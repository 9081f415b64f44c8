import { createHash } from "node:crypto";
import type { AssemblyStack, CfnResource } from "./cloud-assembly";
import {
  collectDependencies,
  evaluateConditions,
  type Json,
  type ResolveContext,
  resolveValue,
  TemplateResolveError,
} from "./template-resolver";

// Deploys synthesized CloudFormation stacks onto the local services. Only the resource types the
// platform uses are realised; everything else (IAM, permissions, log groups, metadata) gets a
// plausible physical id so references to it resolve, and is otherwise ignored.

export const REGION = "us-east-1";
export const ACCOUNT_ID = "000000000000";

type Props = Record<string, Json>;

export interface DeployedFunction {
  name: string;
  arn: string;
  assetDir: string;
  handler: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
}

export interface HttpApiResources {
  apiId: string;
  cors: Props | undefined;
  routes: { routeKey: string; integrationId: string | undefined; authorizerId: string | undefined }[];
  integrations: Map<string, { functionArn: string; payloadFormatVersion: string }>;
  authorizers: Map<
    string,
    { functionArn: string; identitySource: string[]; ttlSeconds: number; simpleResponses: boolean }
  >;
}

/** What the deployer needs from the local services; each call creates one resource. */
export interface DeployTargets {
  createTable(name: string, props: Props): Promise<void>;
  createQueue(name: string, attributes: Record<string, string>): Promise<{ url: string; arn: string }>;
  createStateMachine(name: string, arn: string, definition: string): Promise<void>;
  createFunction(fn: DeployedFunction): Promise<void>;
  createHttpApi(api: HttpApiResources): Promise<void>;
  createSchedule(ruleName: string, expression: string, targetArns: string[]): Promise<void>;
}

export interface DeployResult {
  outputs: Record<string, string>;
  exports: Record<string, string>;
  apiIds: string[];
}

interface Physical {
  ref: string;
  attributes: Record<string, Json>;
}

export async function deployStacks(
  stacks: readonly AssemblyStack[],
  parameterValues: Readonly<Record<string, string>>,
  targets: DeployTargets,
): Promise<DeployResult> {
  const exports: Record<string, string> = {};
  const outputs: Record<string, string> = {};
  const apiIds: string[] = [];
  for (const stack of stacks) {
    const result = await deployStack(stack, parameterValues, exports, targets);
    Object.assign(outputs, result.outputs);
    apiIds.push(...result.apiIds);
  }
  return { outputs, exports, apiIds };
}

async function deployStack(
  stack: AssemblyStack,
  parameterValues: Readonly<Record<string, string>>,
  exports: Record<string, string>,
  targets: DeployTargets,
): Promise<{ outputs: Record<string, string>; apiIds: string[] }> {
  const { stackName, template } = stack;
  const parameters: Record<string, string> = {};
  for (const [name, spec] of Object.entries(template.Parameters ?? {})) {
    const value = parameterValues[name] ?? (spec.Default !== undefined ? String(spec.Default) : undefined);
    // CDK's bootstrap version parameter points at SSM; nothing reads it locally.
    if (value === undefined && name !== "BootstrapVersion") {
      throw new Error(`stack ${stackName} needs parameter ${name}`);
    }
    parameters[name] = value ?? "";
  }
  const physical = new Map<string, Physical>();
  const ctx: ResolveContext = {
    stackName,
    region: REGION,
    accountId: ACCOUNT_ID,
    parameters,
    conditions: {},
    exports,
    ref: (id) => {
      const p = physical.get(id);
      if (!p) throw new TemplateResolveError(`Ref to ${id} before it was created`);
      return p.ref;
    },
    getAtt: (id, attribute) => {
      const p = physical.get(id);
      const value = p?.attributes[attribute];
      if (value === undefined) throw new TemplateResolveError(`${id}.${attribute} is not available`);
      return value;
    },
  };
  const conditions = evaluateConditions(template.Conditions ?? {}, ctx);
  const fullCtx: ResolveContext = { ...ctx, conditions };

  const resources = Object.entries(template.Resources ?? {}).filter(
    ([, r]) => r.Condition === undefined || conditions[r.Condition] === true,
  );
  const apis = new Map<string, HttpApiResources>();
  for (const [logicalId, resource] of orderByDependencies(resources)) {
    const props = (resolveValue(resource.Properties ?? {}, fullCtx) ?? {}) as Props;
    const created = await createResource(
      stackName,
      logicalId,
      resource.Type,
      props,
      targets,
      apis,
      stack.assetDirs,
    );
    physical.set(logicalId, created);
  }
  for (const api of apis.values()) await targets.createHttpApi(api);

  const outputs: Record<string, string> = {};
  for (const [key, output] of Object.entries(template.Outputs ?? {})) {
    if (output.Condition && conditions[output.Condition] !== true) continue;
    const value = resolveValue(output.Value, fullCtx);
    const text = typeof value === "string" ? value : JSON.stringify(value);
    outputs[key] = text;
    if (output.Export) exports[String(resolveValue(output.Export.Name, fullCtx))] = text;
  }
  return { outputs, apiIds: [...apis.keys()] };
}

/** Resources in an order where every Ref/GetAtt/DependsOn target comes first. */
export function orderByDependencies(resources: readonly [string, CfnResource][]): [string, CfnResource][] {
  const byId = new Map(resources);
  const ordered: [string, CfnResource][] = [];
  const done = new Set<string>();
  const visiting = new Set<string>();
  const visit = (id: string) => {
    if (done.has(id)) return;
    const resource = byId.get(id);
    if (!resource) return;
    if (visiting.has(id)) throw new Error(`circular dependency at resource ${id}`);
    visiting.add(id);
    const deps = collectDependencies(resource.Properties ?? {});
    const dependsOn = resource.DependsOn;
    for (const d of Array.isArray(dependsOn) ? dependsOn : dependsOn ? [dependsOn] : []) deps.add(d);
    for (const dep of deps) if (dep !== id) visit(dep);
    visiting.delete(id);
    done.add(id);
    ordered.push([id, resource]);
  };
  for (const [id] of resources) visit(id);
  return ordered;
}

/** CloudFormation-style generated name: `<stack>-<logicalId>-<suffix>`, deterministic per stack and id. */
export function generatedName(stackName: string, logicalId: string, maxLength: number): string {
  const suffix = createHash("sha256")
    .update(`${stackName}/${logicalId}`)
    .digest("hex")
    .slice(0, 12)
    .toUpperCase();
  const base = `${stackName}-${logicalId}`.replace(/[^A-Za-z0-9_-]/g, "-");
  return `${base.slice(0, Math.max(1, maxLength - suffix.length - 1))}-${suffix}`;
}

async function createResource(
  stackName: string,
  logicalId: string,
  type: string,
  props: Props,
  targets: DeployTargets,
  apis: Map<string, HttpApiResources>,
  assetDirs: ReadonlyMap<string, string>,
): Promise<Physical> {
  switch (type) {
    case "AWS::DynamoDB::Table":
    case "AWS::DynamoDB::GlobalTable": {
      const name = str(props.TableName) ?? generatedName(stackName, logicalId, 255);
      await targets.createTable(name, props);
      const arn = `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${name}`;
      return { ref: name, attributes: { Arn: arn, StreamArn: `${arn}/stream/1970-01-01T00:00:00.000` } };
    }
    case "AWS::SQS::Queue": {
      const fifo = props.FifoQueue === true || props.FifoQueue === "true";
      const name =
        str(props.QueueName) ?? generatedName(stackName, logicalId, fifo ? 75 : 80) + (fifo ? ".fifo" : "");
      const { url, arn } = await targets.createQueue(name, queueAttributes(props));
      return { ref: url, attributes: { Arn: arn, QueueName: name, QueueUrl: url } };
    }
    case "AWS::StepFunctions::StateMachine": {
      const name = str(props.StateMachineName) ?? generatedName("", logicalId, 80).replace(/^-/, "");
      const arn = `arn:aws:states:${REGION}:${ACCOUNT_ID}:stateMachine:${name}`;
      await targets.createStateMachine(name, arn, stateMachineDefinition(props));
      return { ref: arn, attributes: { Arn: arn, Name: name, StateMachineRevisionId: "1" } };
    }
    case "AWS::Lambda::Function": {
      const name = str(props.FunctionName) ?? generatedName(stackName, logicalId, 64);
      const arn = `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${name}`;
      await targets.createFunction(lambdaFunction(name, arn, props, logicalId, assetDirs));
      return { ref: name, attributes: { Arn: arn } };
    }
    case "AWS::ApiGatewayV2::Api": {
      const apiId = shortId(stackName, logicalId);
      apis.set(apiId, {
        apiId,
        cors: props.CorsConfiguration as Props | undefined,
        routes: [],
        integrations: new Map(),
        authorizers: new Map(),
      });
      return {
        ref: apiId,
        attributes: { ApiId: apiId, ApiEndpoint: `https://${apiId}.execute-api.${REGION}.amazonaws.com` },
      };
    }
    case "AWS::ApiGatewayV2::Integration": {
      const id = shortId(stackName, logicalId);
      apiOf(apis, props).integrations.set(id, {
        functionArn: functionArnFromUri(str(props.IntegrationUri) ?? ""),
        payloadFormatVersion: str(props.PayloadFormatVersion) ?? "2.0",
      });
      return { ref: id, attributes: { IntegrationId: id } };
    }
    case "AWS::ApiGatewayV2::Authorizer": {
      const id = shortId(stackName, logicalId);
      apiOf(apis, props).authorizers.set(id, {
        functionArn: functionArnFromUri(str(props.AuthorizerUri) ?? ""),
        identitySource: (Array.isArray(props.IdentitySource) ? props.IdentitySource : [props.IdentitySource])
          .filter((s): s is string => typeof s === "string")
          .flatMap((s) => s.split(",").map((part) => part.trim())),
        ttlSeconds: Number(props.AuthorizerResultTtlInSeconds ?? 0),
        simpleResponses: props.EnableSimpleResponses === true,
      });
      return { ref: id, attributes: { AuthorizerId: id } };
    }
    case "AWS::ApiGatewayV2::Route": {
      const id = shortId(stackName, logicalId);
      const target = str(props.Target);
      apiOf(apis, props).routes.push({
        routeKey: str(props.RouteKey) ?? "$default",
        integrationId: target?.replace(/^integrations\//, ""),
        authorizerId: props.AuthorizationType === "CUSTOM" ? str(props.AuthorizerId) : undefined,
      });
      return { ref: id, attributes: {} };
    }
    case "AWS::Events::Rule": {
      const name = str(props.Name) ?? generatedName(stackName, logicalId, 64);
      const expression = str(props.ScheduleExpression);
      const enabled = (str(props.State) ?? "ENABLED") === "ENABLED";
      if (expression && enabled) {
        const arns = (Array.isArray(props.Targets) ? props.Targets : [])
          .map((t) => str((t as Props).Arn))
          .filter((a): a is string => a !== undefined);
        await targets.createSchedule(name, expression, arns);
      }
      return { ref: name, attributes: { Arn: `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/${name}` } };
    }
    default:
      return ignoredResource(stackName, logicalId, type);
  }
}

function ignoredResource(stackName: string, logicalId: string, type: string): Physical {
  const name = generatedName(stackName, logicalId, 64);
  const service = type.split("::")[1]?.toLowerCase() ?? "unknown";
  const arn =
    service === "iam"
      ? `arn:aws:iam::${ACCOUNT_ID}:role/${name}`
      : `arn:aws:${service}:${REGION}:${ACCOUNT_ID}:${type.split("::")[2]?.toLowerCase() ?? "resource"}/${name}`;
  return { ref: name, attributes: { Arn: arn, Name: name, Id: name, RoleId: name } };
}

function lambdaFunction(
  name: string,
  arn: string,
  props: Props,
  logicalId: string,
  assetDirs: ReadonlyMap<string, string> | undefined,
): DeployedFunction {
  const code = (props.Code ?? {}) as Props;
  const key = str(code.S3Key);
  const assetDir = key ? assetDirs?.get(key) : undefined;
  if (!assetDir)
    throw new Error(`function ${logicalId}: no bundled asset for ${key ?? "inline code"} in cdk.out`);
  const variables = ((props.Environment as Props | undefined)?.Variables ?? {}) as Props;
  const environment: Record<string, string> = {};
  for (const [k, v] of Object.entries(variables))
    environment[k] = typeof v === "string" ? v : JSON.stringify(v);
  return {
    name,
    arn,
    assetDir,
    handler: str(props.Handler) ?? "index.handler",
    environment,
    timeoutSeconds: Number(props.Timeout ?? 3),
    memoryMb: Number(props.MemorySize ?? 128),
  };
}

function stateMachineDefinition(props: Props): string {
  const body =
    props.DefinitionString ?? (props.Definition !== undefined ? JSON.stringify(props.Definition) : undefined);
  if (typeof body !== "string")
    throw new Error("state machine without an inline definition (DefinitionS3Location?)");
  const substitutions = (props.DefinitionSubstitutions ?? {}) as Props;
  return body.replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, key: string) => {
    const value = substitutions[key];
    return value === undefined ? whole : typeof value === "string" ? value : JSON.stringify(value);
  });
}

function queueAttributes(props: Props): Record<string, string> {
  const attributes: Record<string, string> = {};
  const copy = [
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "FifoQueue",
    "ContentBasedDeduplication",
  ];
  for (const key of copy) if (props[key] !== undefined) attributes[key] = String(props[key]);
  if (props.RedrivePolicy) {
    const policy = props.RedrivePolicy as Props;
    attributes.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: policy.deadLetterTargetArn,
      maxReceiveCount: Number(policy.maxReceiveCount),
    });
  }
  return attributes;
}

function apiOf(apis: Map<string, HttpApiResources>, props: Props): HttpApiResources {
  const api = apis.get(str(props.ApiId) ?? "");
  if (!api) throw new Error(`HTTP API ${String(props.ApiId)} is not in this stack`);
  return api;
}

/** `arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<fn arn>/invocations` or a plain ARN. */
function functionArnFromUri(uri: string): string {
  const match = /functions\/(arn:[^/]+)\/invocations/.exec(uri);
  return match?.[1] ?? uri;
}

function shortId(stackName: string, logicalId: string): string {
  return createHash("sha256").update(`${stackName}/${logicalId}`).digest("hex").slice(0, 10);
}

function str(value: Json | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}
