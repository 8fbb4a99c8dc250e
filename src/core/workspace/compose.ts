/**
 * A Compose service as the workspace container: `up -d <service>` with the project's files plus a
 * generated override that adds our labels and the workspace bind mount to the service. Argument
 * arrays only; the override is YAML written by the `yaml` package, every `$` escaped for Compose.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { composeInvocation, composeMissingHint, runCompose, type ComposeTool } from '../compose/composeTool';
import { normalizeProjectName } from '../detection/compose';
import { RuntimeError } from '../runtime/errors';
import { LABELS } from '../runtime/labels';
import type { ContainerRuntime, ContainerSummary } from '../runtime/types';
import { cancelledError, checkSignal } from './cancel';
import { matchWorkspaceContainers } from './find';
import type { ForwardAtCreate } from './forwarding';
import type { MountSpec } from '../runtime/types';
import type { ComposePlan, WorkspacePlan } from './plan';
import type { WorkspaceProgress } from './types';
import { ENGINE_FAN_OUT, mapLimit } from '../util/mapLimit';

/** Compose reads `$` as interpolation: `$$` is a literal one. */
const escape = (s: string) => s.replace(/\$/g, '$$$$');

function escapeMap(m: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, escape(v)]));
}

/**
 * What the project's own files say that the override must agree with: the file format version, and
 * a top-level name.
 */
export interface ComposeFileFacts {
  version?: string;
  name?: string;
  /** The variables the files set on the service themselves (asked for with a service). */
  serviceEnv?: Set<string>;
}

/** The names an `environment:` sets, in its map or its list form. */
function envNames(e: unknown): string[] {
  if (Array.isArray(e)) return e.filter((x): x is string => typeof x === 'string').map((x) => x.split('=')[0]);
  return e && typeof e === 'object' ? Object.keys(e) : [];
}

/**
 * Reads `version:` (first file that has one) and `name:` (the last) from the project's files;
 * unreadable files say nothing.
 */
export async function readComposeFacts(files: readonly string[], service?: string): Promise<ComposeFileFacts> {
  const facts: ComposeFileFacts = service === undefined ? {} : { serviceEnv: new Set() };
  for (const f of files) {
    let doc: unknown;
    try {
      doc = parse(await readFile(f, 'utf8'));
    } catch {
      continue;
    }
    if (!doc || typeof doc !== 'object') continue;
    const d = doc as { version?: unknown; name?: unknown };
    if (facts.version === undefined && (typeof d.version === 'string' || typeof d.version === 'number'))
      facts.version = String(d.version);
    if (typeof d.name === 'string' && d.name && !d.name.includes('$')) facts.name = d.name;
    const svc = service === undefined ? undefined : (doc as { services?: Record<string, unknown> }).services?.[service];
    if (svc && typeof svc === 'object')
      for (const k of envNames((svc as { environment?: unknown }).environment)) facts.serviceEnv?.add(k);
  }
  return facts;
}

/** A mount as Compose takes it: short syntax for a bind where it can be (no `:` in either path), else long. */
function composeVolume(m: Pick<MountSpec, 'type' | 'source' | 'target' | 'readOnly'>): unknown {
  // Compose passes a short bind on as a `Binds` entry, which Podman's compat API takes with `"` and
  // `,` in the path; its structured mounts do not.
  const short = m.type === 'bind' && !m.source.includes(':') && !m.target.includes(':');
  return short
    ? escape(`${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`)
    : {
        type: m.type,
        source: escape(m.source),
        target: escape(m.target),
        ...(m.readOnly ? { read_only: true } : {}),
      };
}

/**
 * The override file's text: the service gets our labels, the workspace mount (a named volume is
 * declared by its own name), the dev container's environment and containerUser, and what the
 * forwarding adds (its folder, SSH_AUTH_SOCK, its label; the config's own variable wins). With
 * `version`, the same format version as the project's first file (Compose v1 refuses a mix).
 */
export function composeOverride(plan: WorkspacePlan, version?: string, forward?: ForwardAtCreate): string {
  const c = plan.compose!;
  const service: Record<string, unknown> = { labels: escapeMap({ ...plan.labels, ...(forward?.labels ?? {}) }) };
  const doc: Record<string, unknown> = {};
  if (version !== undefined) doc.version = version;
  doc.services = { [c.service]: service };
  const volumes: unknown[] = [];
  if (plan.mount) {
    volumes.push(composeVolume(plan.mount));
    if (plan.mount.type === 'volume') doc.volumes = { [plan.mount.source]: { name: escape(plan.mount.source) } };
  }
  for (const m of forward?.mounts ?? []) if (m.target !== plan.mount?.target) volumes.push(composeVolume(m));
  if (volumes.length) service.volumes = volumes;
  const env = { ...(forward?.env ?? {}), ...plan.env };
  if (Object.keys(env).length) service.environment = escapeMap(env);
  if (plan.containerUser) service.user = escape(plan.containerUser);
  // Every string double-quoted, never folded: Compose v1 reads YAML 1.1, where a plain `yes` is a boolean.
  const text = stringify(doc, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 });
  return `# Written by Container Workspaces for the workspace container; regenerated on each create.\n${text}`;
}

/** Where the override files are written: a folder of this user's under the temp dir. */
export function composeOverrideDir(): string {
  return join(tmpdir(), `cws-compose-${typeof process.getuid === 'function' ? process.getuid() : 'user'}`);
}

/** That folder, made private (another user's folder or a symlink is refused). */
function privateDir(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const dir = composeOverrideDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (
    !st.isDirectory() ||
    (uid !== undefined && st.uid !== uid) ||
    (process.platform !== 'win32' && (st.mode & 0o022) !== 0)
  ) {
    throw new RuntimeError(
      'permission',
      `${dir} is not a private folder of yours.`,
      'Remove it; it is made again on the next create.',
    );
  }
  return dir;
}

/** Writes the override (replacing the one of an earlier create); returns its path. */
export function writeComposeOverride(plan: WorkspacePlan, text: string): string {
  const c = plan.compose!;
  const key = createHash('sha256')
    .update([c.project.name, c.service, plan.configFile ?? ''].join('\0'))
    .digest('hex')
    .slice(0, 8);
  const file = join(privateDir(), `${plan.name}-${key}.yml`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, file);
  return file;
}

/** The service's container that carries our labels for the folder, running first. */
export function serviceContainers(
  list: readonly ContainerSummary[],
  plan: WorkspacePlan,
  folder: string,
): ContainerSummary[] {
  const c = plan.compose!;
  return matchWorkspaceContainers(list, folder, plan.configFile).filter(
    (x) => x.labels[LABELS.composeProject] === c.project.name && x.labels[LABELS.composeService] === c.service,
  );
}

export interface ComposeUpOptions {
  folder: string;
  tool?: ComposeTool;
  endpointUrl: string;
  env?: NodeJS.ProcessEnv;
  onProgress?: (p: WorkspaceProgress) => void;
  signal?: AbortSignal;
  /** Start an existing container as it is (reuse), rather than recreating a changed one. */
  noRecreate?: boolean;
  /** What the forwarding adds to the service (a create). */
  forward?: ForwardAtCreate;
}

/** The project ref with its final name: a dev container's files may name the project (top-level `name:`). */
async function resolvedProject(
  c: ComposePlan,
  env: NodeJS.ProcessEnv,
): Promise<{ facts: ComposeFileFacts; plan: ComposePlan }> {
  const facts = await readComposeFacts(c.project.files, c.service);
  if (c.fromDevcontainer && !env.COMPOSE_PROJECT_NAME && facts.name && normalizeProjectName(facts.name)) {
    return { facts, plan: { ...c, project: { ...c.project, name: normalizeProjectName(facts.name) } } };
  }
  return { facts, plan: c };
}

/** Compose asked of Apple Containers, which cannot run it. */
export function noComposeOnApple(): RuntimeError {
  return new RuntimeError(
    'invalidArgument',
    'Compose needs Docker or Podman: Apple Containers cannot run a Compose service.',
    'Switch the runtime to Docker or Podman (the containerWorkspaces.runtime setting, or --runtime), ' +
      'or pick another source.',
  );
}

/**
 * Brings the service up with the override and returns its container. A cancelled `up` has the
 * containers it made for the folder removed again.
 */
export async function composeUp(
  rt: ContainerRuntime,
  planIn: WorkspacePlan,
  o: ComposeUpOptions,
): Promise<{ container: ContainerSummary; plan: WorkspacePlan }> {
  if (rt.id === 'apple') throw noComposeOnApple();
  if (!o.tool)
    throw new RuntimeError('notFound', 'No Compose tool was found to start the service.', composeMissingHint(rt.id));
  const env = o.env ?? process.env;
  const { facts, plan: c } = await resolvedProject(planIn.compose!, env);
  const plan: WorkspacePlan = { ...planIn, compose: c };
  checkSignal(o.signal);
  // The project's own value of a variable the forwarding sets (SSH_AUTH_SOCK) wins, as the config's does.
  const forward = o.forward && {
    ...o.forward,
    env: Object.fromEntries(Object.entries(o.forward.env).filter(([k]) => !facts.serviceEnv?.has(k))),
  };
  const override = writeComposeOverride(plan, composeOverride(plan, facts.version, forward));
  const project = { ...c.project, files: [...c.project.files, override] };
  const verb = ['up', '-d', ...(o.noRecreate ? ['--no-recreate'] : []), c.service, ...c.alsoStart];
  o.onProgress?.({ message: `${o.tool.label} up -d ${c.service} (project ${c.project.name})…` });
  const stderr: string[] = [];
  const r = await runCompose(composeInvocation(o.tool, project, verb, { endpointUrl: o.endpointUrl, env }), {
    signal: o.signal,
    onLine: (line, stream) => {
      if (stream === 'stderr' && line.trim() && stderr.push(line.trim()) > 5) stderr.shift();
      if (line.trim()) o.onProgress?.({ message: line });
    },
  });
  if (r.aborted || o.signal?.aborted) {
    if (!o.noRecreate) {
      const made = serviceContainers(await rt.listContainers({ all: true }).catch(() => []), plan, o.folder);
      await mapLimit(made, ENGINE_FAN_OUT, (m) => rt.remove(m.id, { force: true }).catch(() => undefined));
    }
    throw cancelledError();
  }
  if (r.exitCode !== 0) {
    const why =
      [...stderr].reverse().find((l) => /error|denied|not found|invalid|refus|conflict|failed/i.test(l)) ??
      stderr[stderr.length - 1];
    throw new RuntimeError(
      'internal',
      `${o.tool.label} could not start service "${c.service}" (exit ${r.exitCode})${why ? `: ${why}` : ''}`,
      'See the Compose output; `cws context` shows problems in the Compose files.',
    );
  }
  const found = serviceContainers(await rt.listContainers({ all: true, signal: o.signal }), plan, o.folder)[0];
  if (!found)
    throw new RuntimeError(
      'internal',
      `Compose reported success but no container of service "${c.service}" carries the workspace labels.`,
    );
  return { container: found, plan };
}
