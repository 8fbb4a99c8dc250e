/**
 * The options a Feature's install.sh runs with, and the files that carry them. As the reference CLI
 * does: the Feature's defaults, then the user's values on top (undeclared ones included); a bare
 * string or boolean is the `version` option when the Feature declares one. Values are written
 * single-quoted, so `$`, backticks, quotes and line breaks reach install.sh as text and nothing in
 * them runs when the file is sourced (the CLI writes `KEY="value"`, which expands `$(…)`).
 */
import { featureError, quote } from './errors';
import { FEATURE_LIMITS } from './limits';
import { dict } from './metadata';
import type { FeatureMetadata, UserOptions } from './types';

export type OptionValues = Record<string, string | boolean>;

export interface ResolvedOptions {
  /** Defaults (declared order), then the user's values; undeclared user options last. */
  values: OptionValues;
  /** Values that do not fit the declaration (not in `enum`, wrong type): passed on, but worth a warning. */
  warnings: string[];
}

/** Merges the user's options (or a dependsOn's) with the Feature's defaults. */
export function resolveOptions(meta: FeatureMetadata, user: UserOptions | undefined): ResolvedOptions {
  const values = dict<string | boolean>();
  const warnings: string[] = [];
  for (const [id, o] of Object.entries(meta.options)) if (o.default !== undefined) values[id] = o.default;
  let given: OptionValues = dict();
  if (typeof user === 'string' || typeof user === 'boolean') {
    if (meta.options.version) given.version = user;
  } else if (user) given = user;
  const keys = Object.keys(given);
  if (keys.length > FEATURE_LIMITS.maxOptions)
    throw featureError(
      `The Feature ${quote(meta.id)} is given more than ${FEATURE_LIMITS.maxOptions} options.`,
      'Remove options the Feature does not declare.',
    );
  for (const k of keys) {
    const v = given[k];
    values[k] = v;
    const decl = meta.options[k];
    if (!decl) warnings.push(`The Feature ${quote(meta.id)} has no option ${quote(k)}; it is passed on as given.`);
    else if (typeof v !== decl.type)
      warnings.push(`The option ${quote(k)} of the Feature ${quote(meta.id)} expects a ${decl.type}.`);
    else if (decl.enum && typeof v === 'string' && !decl.enum.includes(v))
      warnings.push(
        `The option ${quote(k)} of the Feature ${quote(meta.id)} is ${quote(v)}, not one of its allowed values.`,
      );
  }
  return { values, warnings };
}

/**
 * An option id as an environment variable name (spec): every non-word character becomes `_`,
 * leading digits and underscores collapse to one `_`, then upper case (`2fa-mode` → `_FA_MODE`).
 */
export function optionEnvName(id: string): string {
  return id
    .replace(/[^\w]/g, '_')
    .replace(/^[\d_]+/, '_')
    .toUpperCase();
}

/** A value in single quotes for a POSIX shell: nothing inside is expanded; `'` is written as `'\''`. NUL is refused. */
export function shellQuote(value: string): string {
  if (value.includes('\0'))
    throw featureError('An option value contains a NUL character.', 'Remove it from the value.');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** devcontainer-features.env: one `NAME='value'` line per option, sourced (with `set -a`) before install.sh. */
export function featureEnvFile(values: OptionValues): string {
  return Object.entries(values)
    .map(([k, v]) => `${optionEnvName(k)}=${shellQuote(String(v))}\n`)
    .join('');
}

export interface FeatureUsers {
  /** The user the container runs as (`containerUser`, else the image's USER, else root). */
  containerUser: string;
  /** `remoteUser`; the container user when not set (spec). */
  remoteUser?: string;
}

/**
 * devcontainer-features.builtin.env: `_CONTAINER_USER` and `_REMOTE_USER`. Their home folders
 * (`_CONTAINER_USER_HOME`, `_REMOTE_USER_HOME`) are looked up in the image while it builds, by the
 * layer's own helper (layer.ts), since only the image's passwd knows them.
 */
export function builtinEnvFile(users: FeatureUsers): string {
  const container = users.containerUser || 'root';
  const remote = users.remoteUser || container;
  return `_CONTAINER_USER=${shellQuote(container)}\n_REMOTE_USER=${shellQuote(remote)}\n`;
}
