// Test helper (not a test file): resolves a fixture config's local Features and their dependsOn
// recursively (spec B1), as the workspace builder will with the registry client for OCI ones.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseFeatureMetadata, userOptionsOf } from '../../src/core/features/metadata';
import { parseFeatureRef, type RefContext } from '../../src/core/features/ref';
import type { ResolvedFeature, UserOptions } from '../../src/core/features/types';

export interface LocalConfig {
  ctx: RefContext;
  features: ResolvedFeature[];
  overrideOrder?: string[];
  raw: Record<string, unknown>;
}

export function loadLocalConfig(configPath: string): LocalConfig {
  const raw = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  const ctx = { configDir: dirname(configPath), boundaryDir: dirname(configPath) };
  const work: [string, UserOptions][] = Object.entries(raw.features as Record<string, unknown>).map(([k, v]) => [
    k,
    userOptionsOf(v) ?? {},
  ]);
  const features: ResolvedFeature[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < work.length && i < 5000; i++) {
    const [key, userOptions] = work[i];
    const ref = parseFeatureRef(key, ctx);
    const id = `${ref.canonical}\n${JSON.stringify(userOptions)}`;
    if (seen.has(id) || ref.kind !== 'local') continue;
    seen.add(id);
    const metadata = parseFeatureMetadata(readFileSync(`${ref.path}/devcontainer-feature.json`, 'utf8'), key);
    features.push({ ref, metadata, userOptions });
    for (const [k, v] of Object.entries(metadata.dependsOn)) work.push([k, v]);
  }
  return { ctx, features, overrideOrder: raw.overrideFeatureInstallOrder as string[] | undefined, raw };
}
