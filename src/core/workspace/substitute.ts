/**
 * Dev container variables: `${localWorkspaceFolder}`, `${localEnv:NAME:default}`, `${devcontainerId}`
 * and friends on the host side; `${containerEnv:NAME:default}` once the container exists.
 *
 * Every substitution is one pass over the text: what a variable expands to is never scanned again,
 * so a value holding `${…}` (an environment variable, a container variable) stays as it is and no
 * chain of references can grow or loop.
 */
import { createHash } from 'node:crypto';
import { basename, posix } from 'node:path';
import { RuntimeError } from '../runtime/errors';
import { LABELS } from '../runtime/labels';

export interface SubstitutionContext {
  /** Absolute host path of the workspace folder. */
  folder: string;
  /** Inside the container, once known. */
  containerWorkspaceFolder?: string;
  /** `${devcontainerId}`, once the container's id labels are known (see devcontainerId). */
  devcontainerId?: string;
  env: NodeJS.ProcessEnv;
}

/** Characters one substituted value may grow to (a value is a path, a command, a variable). */
export const MAX_SUBSTITUTED_LENGTH = 1024 * 1024;

const VARIABLE = /\$\{([^}]*)\}/g;

/**
 * One pass of `${…}` replacement: `resolve` gets the variable's name and the rest after the first
 * colon (undefined without one) and returns the replacement, or undefined to leave it as written.
 */
function replaceVariables(text: string, resolve: (name: string, rest: string | undefined) => string | undefined) {
  let length = 0;
  const out = text.replace(VARIABLE, (whole, inner: string) => {
    const colon = inner.indexOf(':');
    const got = resolve(colon < 0 ? inner : inner.slice(0, colon), colon < 0 ? undefined : inner.slice(colon + 1));
    const piece = got ?? whole;
    length += piece.length;
    if (length > MAX_SUBSTITUTED_LENGTH) throw tooLong(text);
    return piece;
  });
  if (out.length > MAX_SUBSTITUTED_LENGTH) throw tooLong(text);
  return out;
}

function tooLong(text: string): RuntimeError {
  return new RuntimeError(
    'invalidArgument',
    `A dev container value grows past ${MAX_SUBSTITUTED_LENGTH} characters once its variables are substituted ` +
      `("${text.slice(0, 60)}${text.length > 60 ? '…' : ''}").`,
    'Check the environment variables it names (${localEnv:…}, ${containerEnv:…}).',
  );
}

/** `NAME` or `NAME:default` → the map's value, else the default, else empty (as the spec says). */
function fromEnv(rest: string | undefined, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (rest === undefined) return undefined;
  const colon = rest.indexOf(':');
  const key = colon < 0 ? rest : rest.slice(0, colon);
  const fallback = colon < 0 ? '' : rest.slice(colon + 1);
  return Object.hasOwn(env, key) ? (env[key] ?? fallback) : fallback;
}

/** The host-side variables; undefined leaves the variable as written. */
function hostVariable(name: string, rest: string | undefined, c: SubstitutionContext): string | undefined {
  switch (name) {
    case 'localWorkspaceFolder':
      return c.folder;
    case 'localWorkspaceFolderBasename':
      return basename(c.folder);
    case 'containerWorkspaceFolder':
      return c.containerWorkspaceFolder;
    case 'containerWorkspaceFolderBasename':
      return c.containerWorkspaceFolder !== undefined ? posix.basename(c.containerWorkspaceFolder) : undefined;
    case 'devcontainerId':
      return c.devcontainerId;
    case 'localEnv':
    case 'env':
      return fromEnv(rest, c.env);
    default:
      return undefined;
  }
}

/**
 * Replaces the variables the Dev Containers tooling knows on the host side. Unknown ones (and
 * `${containerEnv:…}`, only known inside the container) are left as written, as are
 * `${containerWorkspaceFolder}` and `${devcontainerId}` while the context does not know them.
 */
export function substitute(text: string, c: SubstitutionContext): string {
  return replaceVariables(text, (name, rest) => hostVariable(name, rest, c));
}

/**
 * `${containerEnv:NAME}` and `${containerEnv:NAME:default}` from the container's environment (its
 * inspect `Config.Env`, or `env` run in it); a variable it does not have is the default, else empty.
 * Everything else is left as written.
 */
export function substituteContainerEnv(text: string, containerEnv: Readonly<Record<string, string>>): string {
  return replaceVariables(text, (name, rest) => (name === 'containerEnv' ? fromEnv(rest, containerEnv) : undefined));
}

/**
 * `remoteEnv` for the processes we start in the container: host variables and `${containerEnv:…}`
 * in one pass (so a host value that holds `${containerEnv:X}` is not expanded again). A null value
 * stays null: the variable is unset for those processes.
 */
export function resolveRemoteEnv(
  remoteEnv: Readonly<Record<string, string | null>>,
  c: SubstitutionContext,
  containerEnv: Readonly<Record<string, string>>,
): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(remoteEnv)) {
    const resolved =
      value === null
        ? null
        : replaceVariables(value, (name, rest) =>
            name === 'containerEnv' ? fromEnv(rest, containerEnv) : hostVariable(name, rest, c),
          );
    Object.defineProperty(out, key, { value: resolved, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * `${devcontainerId}` as the containers.dev spec computes it from the labels that identify the dev
 * container: the labels as a JSON object with sorted keys and no whitespace, its SHA-256, written as
 * a base-32 number (digits 0-9a-v) left-padded with "0" to 52 characters.
 */
export function devcontainerId(idLabels: Readonly<Record<string, string>>): string {
  const sorted = Object.keys(idLabels).sort();
  const json = `{${sorted.map((k) => `${JSON.stringify(k)}:${JSON.stringify(idLabels[k])}`).join(',')}}`;
  const hex = createHash('sha256').update(json, 'utf8').digest('hex');
  return BigInt(`0x${hex}`).toString(32).padStart(52, '0');
}

/**
 * The id labels the reference CLI gives a folder's dev container (its host folder and config file,
 * as plan.ts writes them on the container), and so its `${devcontainerId}`.
 */
export function devcontainerIdFor(folder: string, configFile: string): string {
  return devcontainerId({ [LABELS.devcontainerLocalFolder]: folder, [LABELS.devcontainerConfigFile]: configFile });
}
