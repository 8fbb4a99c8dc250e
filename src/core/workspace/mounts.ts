/** The workspace mount: a dev container's `workspaceMount` string, or the default bind of the folder. */
import { basename, isAbsolute, posix, resolve } from 'node:path';
import { RuntimeError } from '../runtime/errors';
import type { MountSpec } from '../runtime/types';
import { substitute, type SubstitutionContext } from './substitute';

/** Where a folder goes when nothing says otherwise: /workspaces/<folder name>. */
export function defaultWorkspaceFolder(folder: string): string {
  return posix.join('/workspaces', basename(resolve(folder)));
}

/** The mount string devcontainers.ts writes when a config has no `workspaceMount`. */
export function isDefaultMountString(mount: string, folder: string): boolean {
  const f = resolve(folder);
  return [f, folder].some(
    (p) => mount === `source=${p},target=/workspaces/${basename(p)},type=bind,consistency=cached`,
  );
}

const KEYS: Record<string, 'type' | 'source' | 'target' | 'readonly' | 'ignored'> = {
  type: 'type',
  source: 'source',
  src: 'source',
  target: 'target',
  destination: 'target',
  dst: 'target',
  readonly: 'readonly',
  ro: 'readonly',
  consistency: 'ignored',
  'bind-propagation': 'ignored',
};

const invalid = (why: string) =>
  new RuntimeError(
    'invalidArgument',
    `The dev container's "workspaceMount" ${why}.`,
    'Write it as "source=${localWorkspaceFolder},target=/workspaces/NAME,type=bind".',
  );

/**
 * Parses `source=…,target=…,type=bind[,readonly][,consistency=…]` (the `--mount` form). Variables
 * are substituted in each value after splitting, so a folder path holding "," or "=" stays whole.
 * A relative bind source is taken from the workspace folder.
 */
export function parseMountString(text: string, c: SubstitutionContext): MountSpec {
  const fields: Partial<Record<'type' | 'source' | 'target', string>> = {};
  let readOnly = false;
  for (const part of text.split(',')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    const key = KEYS[(eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase()];
    const value = eq < 0 ? undefined : substitute(p.slice(eq + 1).trim(), c);
    if (!key) throw invalid(`has an unknown field "${(eq < 0 ? p : p.slice(0, eq)).trim()}"`);
    if (key === 'ignored') continue;
    if (key === 'readonly') readOnly = value === undefined || value === 'true' || value === '1';
    else if (value === undefined || value === '') throw invalid(`has no value for "${key}"`);
    else fields[key] = value;
  }
  const type = (fields.type ?? 'bind').toLowerCase();
  if (type !== 'bind' && type !== 'volume')
    throw invalid(`has type "${type}"; only bind and volume mounts are supported`);
  if (!fields.source) throw invalid('has no source');
  if (!fields.target || !fields.target.startsWith('/')) throw invalid('needs an absolute target');
  const source = type === 'bind' && !isAbsolute(fields.source) ? resolve(c.folder, fields.source) : fields.source;
  return { type, source, target: fields.target, ...(readOnly ? { readOnly } : {}) };
}
