import { readFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import path from "node:path";
import type { createRequestHandler as CreateRequestHandler } from "local-aws-sqs";

// local-aws-sqs 2.0.2 differs from SQS in two ways that matter for workers, so we load it with two small
// source patches (each checked: if the text is not found, the package changed and we fail loudly):
// 1. ChangeMessageVisibility counted as a receive, so a worker extending visibility pushed messages to the DLQ
//    early (after fewer than maxReceiveCount receives). Now only a receive increments ApproximateReceiveCount.
// 2. A long poll with MaxNumberOfMessages > 1 was held until it had that many messages or the wait ended.
//    SQS answers as soon as any message is available: now the poll returns after the first tick with messages.
//    A long poll scans its queue on a timer; at 10 ms, a fleet of idle workers kept a core 16% busy: 25 ms
//    costs a dispatch at most 15 ms more.

const PATCHES: readonly [string, string][] = [
  [
    "let n=Number(t.record.attributes.ApproximateReceiveCount)+1;",
    "let n=Number(t.record.attributes.ApproximateReceiveCount)+(i?0:1);",
  ],
  [
    "if(r.length==e){clearInterval(c),clearTimeout(n),o();break}}},10),c.unref()",
    "if(r.length==e){clearInterval(c),clearTimeout(n),o();break}}r.length&&(clearInterval(c),clearTimeout(n),o())},25),c.unref()",
  ],
];

interface CompilableModule {
  paths: string[];
  exports: unknown;
  filename: string;
  _compile(source: string, filename: string): void;
}

export function loadPatchedLocalAwsSqs(): { createRequestHandler: typeof CreateRequestHandler } {
  const require = createRequire(import.meta.url);
  const file = require.resolve("local-aws-sqs");
  let source = readFileSync(file, "utf8");
  for (const [from, to] of PATCHES) {
    if (!source.includes(from))
      throw new Error(`local-aws-sqs changed: cannot apply local cloud patch (${from})`);
    source = source.replace(from, to);
  }
  const ModuleCtor = Module as unknown as {
    new (id: string): CompilableModule;
    _nodeModulePaths(dir: string): string[];
  };
  const mod = new ModuleCtor(file);
  mod.filename = file;
  mod.paths = ModuleCtor._nodeModulePaths(path.dirname(file));
  mod._compile(source, file);
  return mod.exports as { createRequestHandler: typeof CreateRequestHandler };
}
