/**
 * The image that installs the Features on the base: its Dockerfile, the build context (which folder
 * goes where, and the files we generate), build args and a content hash used as the image tag, so
 * an unchanged config builds nothing. One COPY + RUN per Feature (its own layer, as the spec asks),
 * each run as root: `cd` to the Feature, source the env files, `chmod +x install.sh && ./install.sh`.
 * Nothing the user or a Feature wrote becomes shell text: the base image and the final user arrive
 * as build args, option values through the single-quoted env files, user homes by a helper reading
 * passwd; ENV lines carry containerEnv with `"` and `\` escaped (metadata.ts refused line breaks),
 * keeping `${VAR}` expansion as Features rely on (`PATH=/x/bin:${PATH}`). Deterministic.
 */
import { createHash } from 'node:crypto';
import { featureError, quote } from './errors';
import { builtinEnvFile, featureEnvFile, type FeatureUsers } from './options';
import type { OrderedFeature } from './order';

/** Bumped whenever the Dockerfile or context shape changes, so old images are not reused. */
export const LAYER_FORMAT_VERSION = 1;
/** Where the Features are copied inside the image (the reference CLI's folder). */
export const FEATURES_DIR = '/tmp/dev-container-features';

export interface FeatureFile {
  /** Posix path relative to the Feature folder. */
  path: string;
  bytes: Uint8Array;
  executable?: boolean;
}

export interface LayerFeature {
  feature: OrderedFeature;
  /** The Feature's folder on disk (local, or extracted from its OCI artifact / tarball). */
  folder: string;
  /** Its files as read by readFeatureFolder, for the hash. */
  files: FeatureFile[];
}

export interface LayerInput {
  /** The image to build on, as the config names it (or the tag of the image built from its Dockerfile). */
  baseImage: string;
  /** The base image's USER, restored at the end (root when empty). */
  imageUser?: string;
  users: FeatureUsers;
  features: LayerFeature[];
  /** Repository part of the tag (default `container-workspaces-features`). */
  imageName?: string;
}

/** One entry of the build context: a folder copied from disk, or a file we write. */
export type ContextEntry = { kind: 'folder'; from: string; to: string } | { kind: 'file'; to: string; content: string };

export interface LayerPlan {
  dockerfile: string;
  buildArgs: Record<string, string>;
  context: ContextEntry[];
  /** sha256 hex over the format version, base, users, Dockerfile, generated files and every Feature file. */
  hash: string;
  /** `<imageName>:<first 32 hex of hash>`. */
  tag: string;
}

/**
 * Prints the home folder of user $1 (a name or a uid) from the image's passwd, or nothing. The name
 * travels as an argument and through the environment, never as part of a program text.
 */
const USER_HOME_SH = `#!/bin/sh
# Home folder of user "$1" (name or uid) as the image's passwd says; empty when unknown.
U="$1"; export U
{ { command -v getent >/dev/null 2>&1 && getent passwd "$U"; } \\
  || awk -F: '$1 == ENVIRON["U"] || $3 == ENVIRON["U"] { print; exit }' /etc/passwd 2>/dev/null; } \\
  | head -n 1 | cut -d: -f6
`;

function dockerString(v: string): string {
  if (/[\r\n]/.test(v)) throw featureError(`The value ${quote(v)} contains a line break.`, 'Remove it.');
  return `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Our own folder name for the n-th Feature: index and the id reduced to safe characters. */
function folderName(i: number, id: string): string {
  return `${i + 1}_${id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'feature'}`;
}

/**
 * Which Feature (its index in the install order) a failed build's message points at: the step that
 * failed runs in that Feature's folder, which both Docker's and Podman's messages quote.
 */
export function failedFeatureIndex(buildMessage: string): number | undefined {
  const m = new RegExp(`${FEATURES_DIR}/(\\d+)_`).exec(buildMessage);
  return m ? Number(m[1]) - 1 : undefined;
}

/** The exit code a failed build step reports (Docker: "returned a non-zero code: N"; Podman: "exit status N"). */
export function failedStepExitCode(buildMessage: string): number | undefined {
  const m = /non-zero code: (\d+)|exit status (\d+)/.exec(buildMessage);
  return m ? Number(m[1] ?? m[2]) : undefined;
}

/** Plans the Features layer. Throws a RuntimeError for a value that cannot be written safely. */
export function planLayer(input: LayerInput): LayerPlan {
  const context: ContextEntry[] = [
    { kind: 'file', to: 'common/devcontainer-features.builtin.env', content: builtinEnvFile(input.users) },
    { kind: 'file', to: 'common/user-home.sh', content: USER_HOME_SH },
  ];
  const lines = [
    `# Container Workspaces: dev container Features layer, format ${LAYER_FORMAT_VERSION}`,
    'ARG _CWS_BASE_IMAGE',
    'FROM $_CWS_BASE_IMAGE',
    'USER root',
    `COPY common/ ${FEATURES_DIR}/`,
  ];
  input.features.forEach(({ feature, folder }, i) => {
    const name = folderName(i, feature.metadata.id);
    const dir = `${FEATURES_DIR}/${name}`;
    context.push({ kind: 'folder', from: folder, to: `features/${name}` });
    context.push({
      kind: 'file',
      to: `features/${name}/devcontainer-features.env`,
      content: featureEnvFile(feature.options),
    });
    lines.push('', `# ${feature.metadata.id.replace(/[^\x20-\x7e]/g, '?')}`);
    for (const [k, v] of Object.entries(feature.metadata.containerEnv)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
        throw featureError(
          `The Feature ${quote(feature.metadata.id)} sets the variable ${quote(k)}.`,
          'Use a plain name.',
        );
      lines.push(`ENV ${k}=${dockerString(v)}`);
    }
    lines.push(
      `COPY features/${name}/ ${dir}/`,
      `RUN cd ${dir} \\`,
      ' && set -a \\',
      ' && . ../devcontainer-features.builtin.env \\',
      ' && _CONTAINER_USER_HOME="$(sh ../user-home.sh "$_CONTAINER_USER")" \\',
      ' && _REMOTE_USER_HOME="$(sh ../user-home.sh "$_REMOTE_USER")" \\',
      ' && . ./devcontainer-features.env \\',
      ' && set +a \\',
      ' && chmod +x ./install.sh \\',
      ' && ./install.sh',
    );
  });
  lines.push('', 'ARG _CWS_IMAGE_USER=root', 'USER $_CWS_IMAGE_USER', '');
  const dockerfile = lines.join('\n');
  const buildArgs = { _CWS_BASE_IMAGE: input.baseImage, _CWS_IMAGE_USER: input.imageUser || 'root' };

  const h = createHash('sha256');
  const field = (s: string | Uint8Array) => {
    const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
    h.update(`${b.length}:`);
    h.update(b);
  };
  field(`format ${LAYER_FORMAT_VERSION}`);
  field(dockerfile);
  for (const [k, v] of Object.entries(buildArgs)) field(`${k}=${v}`);
  for (const e of context) if (e.kind === 'file') field(`${e.to}\n${e.content}`);
  input.features.forEach(({ files }, i) => {
    field(`feature ${i}`);
    for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
      field(`${f.path}${f.executable ? ' +x' : ''}`);
      field(f.bytes);
    }
  });
  const hash = h.digest('hex');
  return {
    dockerfile,
    buildArgs,
    context,
    hash,
    tag: `${input.imageName ?? 'container-workspaces-features'}:${hash.slice(0, 32)}`,
  };
}
