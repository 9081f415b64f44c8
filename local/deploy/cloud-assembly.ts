import { readFileSync } from "node:fs";
import path from "node:path";

// Reads what `cdk synth` wrote: the stacks in dependency order, their templates and the asset folders.

export interface CfnTemplate {
  Parameters?: Record<string, { Type?: string; Default?: string | number }>;
  Conditions?: Record<string, unknown>;
  Resources?: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown }; Condition?: string }>;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
}

export interface AssemblyStack {
  readonly stackName: string;
  readonly template: CfnTemplate;
  /** S3 object key of a file asset (`<hash>.zip`) → the folder cdk.out holds it in. */
  readonly assetDirs: ReadonlyMap<string, string>;
}

interface ManifestArtifact {
  type: string;
  properties?: { templateFile?: string; stackName?: string; parameters?: Record<string, string> };
  dependencies?: string[];
  displayName?: string;
}

interface AssetManifest {
  files?: Record<
    string,
    { source?: { path?: string; packaging?: string }; destinations?: Record<string, { objectKey?: string }> }
  >;
}

/** The CloudFormation stacks of a cloud assembly, dependencies first. */
export function readCloudAssembly(outDir: string): AssemblyStack[] {
  const manifest = readJson<{ artifacts?: Record<string, ManifestArtifact> }>(
    path.join(outDir, "manifest.json"),
  );
  const artifacts = manifest.artifacts ?? {};
  const stackIds = Object.keys(artifacts).filter((id) => artifacts[id]?.type === "aws:cloudformation:stack");
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (id: string, depth: number) => {
    if (ordered.includes(id) || depth > stackIds.length) return;
    if (visiting.has(id)) throw new Error(`circular stack dependency at ${id}`);
    visiting.add(id);
    for (const dep of artifacts[id]?.dependencies ?? []) {
      if (stackIds.includes(dep)) visit(dep, depth + 1);
    }
    visiting.delete(id);
    ordered.push(id);
  };
  for (const id of stackIds) visit(id, 0);

  return ordered.map((id) => {
    const artifact = artifacts[id] as ManifestArtifact;
    const templateFile = artifact.properties?.templateFile ?? `${id}.template.json`;
    const template = readJson<CfnTemplate>(path.join(outDir, templateFile));
    return {
      stackName: artifact.properties?.stackName ?? id,
      template,
      assetDirs: readAssetDirs(outDir, artifacts, id),
    };
  });
}

function readAssetDirs(outDir: string, artifacts: Record<string, ManifestArtifact>, stackId: string) {
  const dirs = new Map<string, string>();
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (artifact.type !== "cdk:asset-manifest") continue;
    // Asset manifests are named `<stack>.assets` by CDK; read them all: keys are content hashes, so no clash.
    if (!id.startsWith(stackId) && !id.includes(".assets")) continue;
    const file = (artifact.properties as { file?: string } | undefined)?.file ?? `${stackId}.assets.json`;
    const assets = readJson<AssetManifest>(path.join(outDir, file));
    for (const [hash, entry] of Object.entries(assets.files ?? {})) {
      const source = entry.source?.path;
      if (!source) continue;
      for (const destination of Object.values(entry.destinations ?? {})) {
        if (destination.objectKey) dirs.set(destination.objectKey, path.join(outDir, source));
      }
      dirs.set(`${hash}.zip`, path.join(outDir, source));
    }
  }
  return dirs;
}

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
}
