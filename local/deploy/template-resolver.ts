// Resolves the CloudFormation intrinsics CDK emits, against values the deployer supplies. Pure: no I/O.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface ResolveContext {
  readonly stackName: string;
  readonly region: string;
  readonly accountId: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly conditions: Readonly<Record<string, boolean>>;
  readonly exports: Readonly<Record<string, string>>;
  /** Ref of a resource: its physical id (table name, queue URL, function name, ARN...). */
  ref(logicalId: string): string;
  /** Fn::GetAtt of a resource attribute. */
  getAtt(logicalId: string, attribute: string): Json;
}

export class TemplateResolveError extends Error {
  override name = "TemplateResolveError";
}

/** Pseudo parameters as CloudFormation defines them, for a region/account/stack. */
export function pseudoParameter(name: string, ctx: ResolveContext): string | undefined {
  switch (name) {
    case "AWS::Region":
      return ctx.region;
    case "AWS::AccountId":
      return ctx.accountId;
    case "AWS::Partition":
      return "aws";
    case "AWS::URLSuffix":
      return "amazonaws.com";
    case "AWS::StackName":
      return ctx.stackName;
    case "AWS::StackId":
      return `arn:aws:cloudformation:${ctx.region}:${ctx.accountId}:stack/${ctx.stackName}/00000000-0000-0000-0000-000000000000`;
    case "AWS::NoValue":
      return undefined;
    case "AWS::NotificationARNs":
      return "";
    default:
      return undefined;
  }
}

const NO_VALUE = Symbol("AWS::NoValue");

/** Resolves every intrinsic in `value`; properties that resolve to AWS::NoValue are dropped. */
export function resolveValue(value: unknown, ctx: ResolveContext): Json {
  const out = resolveInner(value, ctx, 0);
  return out === NO_VALUE ? null : out;
}

// CDK templates nest a few levels at most; a bound catches self-referencing garbage.
const MAX_DEPTH = 64;

function resolveInner(value: unknown, ctx: ResolveContext, depth: number): Json | typeof NO_VALUE {
  if (depth > MAX_DEPTH) throw new TemplateResolveError("template value nested too deeply");
  if (value === null || typeof value !== "object") return value as Json;
  if (Array.isArray(value)) {
    const items: Json[] = [];
    for (const item of value) {
      const resolved = resolveInner(item, ctx, depth + 1);
      if (resolved !== NO_VALUE) items.push(resolved);
    }
    return items;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1) {
    const key = keys[0] as string;
    if (key === "Ref" || key === "Condition" || key.startsWith("Fn::")) {
      return resolveIntrinsic(key, record[key], ctx, depth);
    }
  }
  const result: Record<string, Json> = {};
  for (const key of keys) {
    const resolved = resolveInner(record[key], ctx, depth + 1);
    if (resolved !== NO_VALUE) result[key] = resolved;
  }
  return result;
}

function resolveIntrinsic(
  fn: string,
  arg: unknown,
  ctx: ResolveContext,
  depth: number,
): Json | typeof NO_VALUE {
  const sub = (v: unknown) => resolveInner(v, ctx, depth + 1);
  switch (fn) {
    case "Ref":
      return resolveRef(String(arg), ctx);
    case "Fn::GetAtt": {
      const [logicalId, attribute] = Array.isArray(arg) ? arg : String(arg).split(/\.(.*)/s);
      return ctx.getAtt(String(logicalId), String(sub(attribute)));
    }
    case "Fn::Join": {
      const [delimiter, list] = asArray(arg, 2, fn);
      const items = sub(list);
      if (!Array.isArray(items)) throw new TemplateResolveError("Fn::Join needs a list");
      return items.map(toText).join(String(delimiter));
    }
    case "Fn::Sub":
      return resolveSub(arg, ctx, sub);
    case "Fn::Select": {
      const [index, list] = asArray(arg, 2, fn);
      const items = sub(list);
      const i = Number(sub(index));
      if (!Array.isArray(items) || !Number.isInteger(i) || i < 0 || i >= items.length) {
        throw new TemplateResolveError(`Fn::Select index ${i} out of range`);
      }
      return items[i] as Json;
    }
    case "Fn::Split": {
      const [delimiter, source] = asArray(arg, 2, fn);
      return toText(sub(source)).split(String(delimiter));
    }
    case "Fn::ImportValue": {
      const name = toText(sub(arg));
      const exported = ctx.exports[name];
      if (exported === undefined) throw new TemplateResolveError(`no stack exports ${name}`);
      return exported;
    }
    case "Fn::GetAZs":
      return ["a", "b", "c"].map((zone) => `${ctx.region}${zone}`);
    case "Fn::Base64":
      return Buffer.from(toText(sub(arg))).toString("base64");
    case "Fn::ToJsonString":
      return JSON.stringify(sub(arg));
    case "Fn::If": {
      const [condition, whenTrue, whenFalse] = asArray(arg, 3, fn);
      return evaluateCondition(String(condition), ctx) ? sub(whenTrue) : sub(whenFalse);
    }
    case "Condition":
      return evaluateCondition(String(arg), ctx);
    case "Fn::Equals": {
      const [a, b] = asArray(arg, 2, fn);
      return JSON.stringify(sub(a)) === JSON.stringify(sub(b));
    }
    case "Fn::Not": {
      const [a] = asArray(arg, 1, fn);
      return !sub(a);
    }
    case "Fn::And":
      return (arg as unknown[]).every((c) => Boolean(sub(c)));
    case "Fn::Or":
      return (arg as unknown[]).some((c) => Boolean(sub(c)));
    default:
      throw new TemplateResolveError(`unsupported intrinsic ${fn}`);
  }
}

function resolveRef(name: string, ctx: ResolveContext): Json | typeof NO_VALUE {
  if (name === "AWS::NoValue") return NO_VALUE;
  if (name.startsWith("AWS::")) {
    const pseudo = pseudoParameter(name, ctx);
    if (pseudo === undefined) throw new TemplateResolveError(`unsupported pseudo parameter ${name}`);
    return pseudo;
  }
  const parameter = ctx.parameters[name];
  if (parameter !== undefined) return parameter;
  return ctx.ref(name);
}

function evaluateCondition(name: string, ctx: ResolveContext): boolean {
  const value = ctx.conditions[name];
  if (value === undefined) throw new TemplateResolveError(`unknown condition ${name}`);
  return value;
}

function resolveSub(arg: unknown, ctx: ResolveContext, sub: (v: unknown) => Json | typeof NO_VALUE): string {
  const [template, variables] = Array.isArray(arg) ? arg : [arg, {}];
  const vars = (sub(variables ?? {}) ?? {}) as Record<string, Json>;
  return String(template).replace(/\$\{(!?)([^}]+)\}/g, (_whole, literal: string, name: string) => {
    if (literal === "!") return `\${${name}}`;
    const own = vars[name];
    if (own !== undefined) return toText(own);
    const [logicalId, attribute] = name.split(/\.(.*)/s);
    if (attribute !== undefined && logicalId !== undefined) return toText(ctx.getAtt(logicalId, attribute));
    return toText(resolveRef(name, ctx));
  });
}

function asArray(arg: unknown, length: number, fn: string): unknown[] {
  if (!Array.isArray(arg) || arg.length < length)
    throw new TemplateResolveError(`${fn} needs ${length} arguments`);
  return arg;
}

function toText(value: Json | typeof NO_VALUE): string {
  if (value === NO_VALUE || value === null) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Logical ids a template value depends on (Ref, GetAtt, Sub variables), for deployment order. */
export function collectDependencies(value: unknown, into: Set<string> = new Set(), depth = 0): Set<string> {
  if (depth > MAX_DEPTH || value === null || typeof value !== "object") return into;
  if (Array.isArray(value)) {
    for (const item of value) collectDependencies(item, into, depth + 1);
    return into;
  }
  const record = value as Record<string, unknown>;
  for (const [key, inner] of Object.entries(record)) {
    if (key === "Ref" && typeof inner === "string" && !inner.startsWith("AWS::")) into.add(inner);
    else if (key === "Fn::GetAtt") {
      const target = Array.isArray(inner) ? inner[0] : String(inner).split(".")[0];
      if (typeof target === "string") into.add(target);
    } else if (key === "Fn::Sub") {
      const template = Array.isArray(inner) ? inner[0] : inner;
      for (const match of String(template).matchAll(/\$\{([^!}][^}.]*)(?:\.[^}]*)?\}/g)) {
        const name = match[1];
        if (name !== undefined && !name.startsWith("AWS::")) into.add(name);
      }
      if (Array.isArray(inner)) collectDependencies(inner[1], into, depth + 1);
    } else collectDependencies(inner, into, depth + 1);
  }
  return into;
}

/** Evaluates the template's Conditions section (each may reference parameters and other conditions). */
export function evaluateConditions(
  conditions: Readonly<Record<string, unknown>>,
  base: Omit<ResolveContext, "conditions">,
): Record<string, boolean> {
  const results: Record<string, boolean> = {};
  const pending = new Set(Object.keys(conditions));
  // Each pass settles at least one condition unless they are circular: bounded by their count.
  for (let pass = 0; pass <= Object.keys(conditions).length && pending.size > 0; pass++) {
    for (const name of [...pending]) {
      try {
        results[name] = Boolean(resolveValue(conditions[name], { ...base, conditions: results }));
        pending.delete(name);
      } catch (error) {
        if (!(error instanceof TemplateResolveError)) throw error;
      }
    }
  }
  if (pending.size > 0)
    throw new TemplateResolveError(`cannot evaluate conditions: ${[...pending].join(", ")}`);
  return results;
}
