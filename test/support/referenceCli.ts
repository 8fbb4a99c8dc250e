// Running @devcontainers/cli (the oracle) without leaving loopback: the CLI fetches a "control
// manifest" from containers.dev unless its cached copy (in its persisted folder under TMPDIR) is less
// than 5 minutes old. We give it a fresh, empty one before every run, so it never asks the network.
import { mkdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths';

export const REFERENCE_CLI = join(repoRoot, 'node_modules/@devcontainers/cli/devcontainer.js');

/** The environment to run the reference CLI in, with `tmp` as its TMPDIR (a fresh control manifest in it). */
export function referenceEnv(tmp: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const persisted = join(tmp, `devcontainercli-${userInfo().username}`);
  mkdirSync(persisted, { recursive: true });
  writeFileSync(
    join(persisted, 'control-manifest.json'),
    JSON.stringify({ disallowedFeatures: [], featureAdvisories: [] }),
  );
  return { ...base, TMPDIR: tmp };
}
