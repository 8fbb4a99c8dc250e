/**
 * What a workspace container is made of, decided from the source alone (no engine): its name, the
 * image to pull or build, the workspace mount and folder, environment, ports, labels, the
 * keep-alive command and the post-create commands. Pure: unit-tested without an engine.
 */
import { basename, dirname, relative, resolve } from 'node:path';
import { normalizeProjectName } from '../detection/compose';
import type { DevcontainerConfig, LifecycleCommand, WaitFor } from '../detection/types';
import type { ComposeProjectRef } from '../compose/composeTool';
import { RuntimeError } from '../runtime/errors';
import { LABELS } from '../runtime/labels';
import type { BuildOptions, ContainerHostOptions, MountSpec, PortMapping, RuntimeId } from '../runtime/types';
import { cacheFromImages, parseBuildOptions } from './buildOptions';
import { configHooks, mapCommand, type HookInputs } from './lifecycle';
import { defaultWorkspaceFolder, isDefaultMountString, parseMount, parseMountString } from './mounts';
import { parseRunArgs, type RunArgsOptions } from './runArgs';
import { workspaceContainerName, workspaceImageTag } from './name';
import { devcontainerIdFor, substitute, type SubstitutionContext } from './substitute';
import { REPO_MOUNT, type WorkspaceSource, type WorkspaceSourceKind, type WorkspaceVolume } from './types';

export type { WorkspaceVolume } from './types';

/**
 * Keeps a container up with nothing to do: busybox-safe (no `sleep infinity`), and it ends at once
 * on SIGTERM / SIGINT (`docker stop` does not wait out its grace period).
 */
export const KEEP_ALIVE_SCRIPT = 'trap "exit 0" TERM INT; while sleep 3600 & wait $!; do :; done';
export const KEEP_ALIVE_ENTRYPOINT = ['/bin/sh'];
export const KEEP_ALIVE_CMD = ['-c', KEEP_ALIVE_SCRIPT];

export type ImagePlan =
  | { kind: 'pull'; ref: string }
  | {
      kind: 'build';
      tag: string;
      context: string;
      /** Relative to the context. */ dockerfile: string;
      target?: string;
      args: Record<string, string>;
      /** build.options and build.cacheFrom beyond --build-arg and --target; only when one is set. */
      options?: ImageBuildExtras;
    };

/** What a dev container build asks of the engine beyond its Dockerfile, target and args. */
export type ImageBuildExtras = Pick<
  BuildOptions,
  'labels' | 'noCache' | 'pull' | 'network' | 'platform' | 'extraHosts' | 'shmSize' | 'cacheFrom'
>;

export interface ComposePlan {
  project: ComposeProjectRef;
  service: string;
  /** Started with it (a dev container's runServices). */
  alsoStart: string[];
  /** The dev container config's compose files (their top-level `name:` may set the project name). */
  fromDevcontainer: boolean;
}

export interface WorkspacePlan {
  kind: WorkspaceSourceKind;
  /** Our container name (Compose names its own containers). */
  name: string;
  /** Image sources, Dockerfiles and image/build dev containers. */
  image?: ImagePlan;
  compose?: ComposePlan;
  /** Inside the container: the shell's working directory. */
  workspaceFolder: string;
  /** The workspace folder's mount; undefined for a Compose dev container that mounts it itself. */
  mount?: MountSpec;
  env: Record<string, string>;
  ports: PortMapping[];
  labels: Record<string, string>;
  /** Created with this user (a dev container's containerUser). */
  containerUser?: string;
  /** Commands are run as this user (a dev container's remoteUser). */
  remoteUser?: string;
  /** The command is replaced by the keep-alive loop. */
  keepAlive: boolean;
  /** The config's own lifecycle commands, variables substituted (Features' are added at create). */
  hooks: HookInputs;
  /** Until which hook a create holds the caller (default updateContentCommand). */
  waitFor?: WaitFor;
  /** initializeCommand, run on the host before anything (trusted folders only). */
  initialize?: LifecycleCommand;
  /** How the container is run beyond its command (runArgs, init, privileged, capAdd, securityOpt). */
  host: ContainerHostOptions;
  /** Mounts besides the workspace folder's: the config's `mounts` and runArgs' -v / --mount. */
  mounts: MountSpec[];
  /** runArgs' --user / --entrypoint (the config's containerUser wins over --user). */
  entrypoint?: string;
  /** What the config writes that is not honoured, one line each (the caller shows them). */
  warnings: string[];
  /** The dev container config this comes from. */
  configFile?: string;
  /** The dev container config itself (its Features are resolved at create). */
  devcontainer?: DevcontainerConfig;
  /** The repository volume the workspace is in, when it is one. */
  volume?: WorkspaceVolume;
}

export interface PlanOptions {
  runtime: RuntimeId;
  env?: NodeJS.ProcessEnv;
  labels?: Record<string, string>;
  /** The workspace is a repository cloned into this volume (mounted at /workspaces), not the folder. */
  volume?: WorkspaceVolume;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '0.0.0.0', '::1']);

/**
 * forwardPorts → published ports on 127.0.0.1, each on the same host port. "host:port" entries that
 * name another host (a Compose service) cannot be published from this container and are left out.
 */
export function forwardedPorts(forward: readonly (number | string)[]): PortMapping[] {
  const seen = new Set<number>();
  const out: PortMapping[] = [];
  for (const f of forward) {
    let port: number | undefined;
    if (typeof f === 'number') port = f;
    else {
      const m = /^([^\s:]+):(\d{1,5})$/.exec(f);
      if (m && LOCAL_HOSTS.has(m[1].toLowerCase())) port = Number(m[2]);
    }
    if (port === undefined || !Number.isInteger(port) || port < 1 || port > 65535 || seen.has(port)) continue;
    seen.add(port);
    out.push({ containerPort: port, hostPort: port, hostIp: '127.0.0.1', protocol: 'tcp' });
  }
  return out;
}

/**
 * The project name the Dev Containers tooling gives a Compose dev container: COMPOSE_PROJECT_NAME,
 * else the first file's folder name, with "_devcontainer" after the workspace folder's name when
 * that is `.devcontainer`. (A top-level `name:` in the files wins; compose.ts reads that.)
 */
export function devcontainerProjectName(files: readonly string[], env: NodeJS.ProcessEnv): string {
  const fromEnv = env.COMPOSE_PROJECT_NAME ? normalizeProjectName(env.COMPOSE_PROJECT_NAME) : '';
  if (fromEnv) return fromEnv;
  const dir = dirname(files[0]);
  const name = basename(dir) === '.devcontainer' ? `${basename(dirname(dir))}_devcontainer` : basename(dir);
  return normalizeProjectName(name) || 'devcontainer';
}

function invalidSource(what: string): RuntimeError {
  return new RuntimeError(
    'invalidArgument',
    `The workspace source has no ${what}.`,
    "Pick the source again from the folder's detected context.",
  );
}

/** What every plan starts from: our name, the labels tying it to the folder, nothing else yet. */
type PlanBase = Pick<WorkspacePlan, 'name' | 'env' | 'ports' | 'labels' | 'hooks' | 'host' | 'mounts' | 'warnings'>;

function devcontainerPlan(
  folder: string,
  dc: DevcontainerConfig,
  base: PlanBase,
  sub: SubstitutionContext,
  o: PlanOptions,
): WorkspacePlan {
  const workspaceFolder =
    substitute(dc.workspaceFolder, sub) ||
    (dc.kind === 'compose' ? '/' : (o.volume?.path ?? defaultWorkspaceFolder(folder)));
  const subIn: SubstitutionContext = {
    ...sub,
    containerWorkspaceFolder: workspaceFolder,
    devcontainerId: devcontainerIdFor(folder, dc.path),
  };
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(dc.containerEnv)) env[k] = substitute(v, subIn);
  const hooks = configHooks({
    onCreateCommand: dc.onCreateCommand,
    updateContentCommand: dc.updateContentCommand,
    postCreateCommand: dc.postCreateCommand,
    postStartCommand: dc.postStartCommand,
    postAttachCommand: dc.postAttachCommand,
  });
  for (const list of Object.values(hooks))
    for (const c of list ?? [])
      if (c.command !== undefined) c.command = mapCommand(c.command, (t) => substitute(t, subIn));
  const plan: WorkspacePlan = {
    ...base,
    kind: 'devcontainer',
    workspaceFolder,
    mount: o.volume ? volumeMount(o.volume) : devcontainerMount(folder, dc, workspaceFolder, subIn),
    env,
    ports: dc.kind === 'compose' ? [] : forwardedPorts(dc.forwardPorts),
    containerUser: dc.containerUser,
    remoteUser: dc.remoteUser,
    keepAlive: dc.kind !== 'compose' && dc.overrideCommand !== false,
    hooks,
    ...(dc.waitFor ? { waitFor: dc.waitFor } : {}),
    ...(dc.initializeCommand !== undefined
      ? {
          initialize: mapCommand(dc.initializeCommand, (t) =>
            substitute(t, { ...sub, devcontainerId: subIn.devcontainerId }),
          ),
        }
      : {}),
    configFile: dc.path,
    devcontainer: dc,
  };
  if (dc.kind === 'compose') composeShapeWarnings(dc, plan.warnings);
  else shapeFromConfig(folder, dc, plan, subIn);
  plan.labels[LABELS.devcontainerLocalFolder] = resolve(folder);
  plan.labels[LABELS.devcontainerConfigFile] = dc.path;
  if (dc.kind === 'image') {
    if (!dc.image) throw invalidSource('image');
    plan.image = { kind: 'pull', ref: dc.image };
  } else if (dc.kind === 'build') {
    if (!dc.build) throw invalidSource('build');
    plan.image = {
      kind: 'build',
      tag: workspaceImageTag(o.runtime, folder),
      context: dc.build.context,
      dockerfile: relative(dc.build.context, dc.build.dockerfile).split('\\').join('/'),
      target: dc.build.target,
      args: { ...dc.build.args },
    };
    buildFromOptions(dc.build, plan.image, plan.warnings, subIn);
  } else {
    plan.compose = devcontainerCompose(dc.compose, o);
  }
  return plan;
}

/**
 * build.options and build.cacheFrom into the image plan. The options come after the config's own
 * target and args, as the Dev Containers CLI passes them to `docker build` (where the later flag
 * wins): an option's --build-arg or --target wins over build.args or build.target.
 */
function buildFromOptions(
  build: NonNullable<DevcontainerConfig['build']>,
  image: Extract<ImagePlan, { kind: 'build' }>,
  warnings: string[],
  sub: SubstitutionContext,
): void {
  const parsed = parseBuildOptions(
    (build.options ?? []).map((a) => substitute(a, sub)),
    { env: sub.env },
  );
  const cache = cacheFromImages((build.cacheFrom ?? []).map((c) => substitute(c, sub)));
  warnings.push(...parsed.warnings, ...cache.warnings);
  const f = parsed.flags;
  image.args = { ...image.args, ...f.buildArgs };
  if (f.target !== undefined) image.target = f.target;
  const cacheFrom = [...new Set([...cache.images, ...f.cacheFrom])];
  const extras: ImageBuildExtras = {
    ...(Object.keys(f.labels).length ? { labels: f.labels } : {}),
    ...(f.noCache !== undefined ? { noCache: f.noCache } : {}),
    ...(f.pull !== undefined ? { pull: f.pull } : {}),
    ...(f.network !== undefined ? { network: f.network } : {}),
    ...(f.platform !== undefined ? { platform: f.platform } : {}),
    ...(f.extraHosts.length ? { extraHosts: f.extraHosts } : {}),
    ...(f.shmSize !== undefined ? { shmSize: f.shmSize } : {}),
    ...(cacheFrom.length ? { cacheFrom } : {}),
  };
  if (Object.keys(extras).length) image.options = extras;
}

/** A repository volume, mounted where its clone is found (`/workspaces/<name>`). */
function volumeMount(v: WorkspaceVolume): MountSpec {
  return { type: 'volume', source: v.name, target: REPO_MOUNT };
}

/** The workspace folder's mount for a dev container: its workspaceMount, the default bind, or none. */
function devcontainerMount(
  folder: string,
  dc: DevcontainerConfig,
  workspaceFolder: string,
  subIn: SubstitutionContext,
): MountSpec | undefined {
  if (dc.kind !== 'compose' && (!dc.workspaceMount || isDefaultMountString(dc.workspaceMount, folder)))
    return { type: 'bind', source: resolve(folder), target: defaultWorkspaceFolder(folder) };
  if (dc.workspaceMount) return parseMountString(dc.workspaceMount, subIn);
  // A Compose dev container usually mounts the code itself; binding the folder at workspaceFolder
  // too makes sure it is there (an entry of the same target in the Compose files is replaced).
  if (workspaceFolder !== '/') return { type: 'bind', source: resolve(folder), target: workspaceFolder };
  return undefined;
}

/** A Compose dev container's project (named as the Dev Containers tooling names it) and services. */
function devcontainerCompose(compose: DevcontainerConfig['compose'], o: PlanOptions): ComposePlan {
  if (!compose?.files.length || !compose.service) throw invalidSource('Compose service');
  const files = compose.files;
  return {
    project: {
      name: devcontainerProjectName(files, o.env ?? process.env),
      workingDir: dirname(files[0]),
      files: [...files],
    },
    service: compose.service,
    alsoStart: (compose.runServices ?? []).filter((s) => s !== compose.service),
    fromDevcontainer: true,
  };
}

/**
 * Everything about the container that does not need the engine. Throws a RuntimeError for a source
 * it cannot use.
 */
export function planWorkspace(folder: string, source: WorkspaceSource, o: PlanOptions): WorkspacePlan {
  const abs = resolve(folder);
  const base: PlanBase = {
    name: workspaceContainerName(abs),
    env: {},
    ports: [],
    labels: { ...(o.labels ?? {}), [LABELS.workspace]: abs, [LABELS.workspaceSource]: source.kind },
    hooks: {},
    host: {},
    mounts: [],
    warnings: [],
  };
  let plan: WorkspacePlan;
  switch (source.kind) {
    case 'devcontainer':
      if (!source.devcontainer) throw invalidSource('dev container config');
      plan = devcontainerPlan(abs, source.devcontainer, base, { folder: abs, env: o.env ?? process.env }, o);
      break;
    case 'image':
      if (!source.image?.trim()) throw invalidSource('image');
      plan = { ...base, kind: 'image', image: { kind: 'pull', ref: source.image.trim() }, ...folderMounted(abs, true) };
      break;
    case 'dockerfile': {
      if (!source.dockerfile) throw invalidSource('Dockerfile');
      const context = dirname(source.dockerfile.path);
      plan = {
        ...base,
        kind: 'dockerfile',
        ...folderMounted(abs, true),
        image: {
          kind: 'build',
          tag: workspaceImageTag(o.runtime, abs),
          context,
          dockerfile: basename(source.dockerfile.path),
          args: {},
        },
      };
      break;
    }
    case 'compose': {
      if (!source.compose?.service) throw invalidSource('Compose service');
      const p = source.compose.project;
      plan = {
        ...base,
        kind: 'compose',
        ...folderMounted(abs, false),
        compose: {
          project: { name: p.name, workingDir: p.workingDir, files: [...p.files] },
          service: source.compose.service,
          alsoStart: [],
          fromDevcontainer: false,
        },
      };
      break;
    }
    default:
      throw new RuntimeError('invalidArgument', `Unknown workspace source "${(source as { kind: string }).kind}".`);
  }
  if (o.volume) fromVolume(plan, source, o.volume);
  plan.labels[LABELS.workspaceTarget] = plan.workspaceFolder;
  return plan;
}

/** A repository volume as the workspace: its mount and folder (for an image too), its labels. */
function fromVolume(plan: WorkspacePlan, source: WorkspaceSource, v: WorkspaceVolume): void {
  if (plan.compose)
    throw new RuntimeError(
      'invalidArgument',
      'A Compose workspace cannot be made from a repository volume yet.',
      'Clone the repository into a folder here and open that folder instead.',
    );
  if (source.kind !== 'devcontainer') {
    plan.mount = volumeMount(v);
    plan.workspaceFolder = v.path;
  } else if (source.devcontainer?.workspaceMount)
    plan.warnings.push('workspaceMount: not applied to a workspace cloned into a volume (the volume is mounted).');
  plan.volume = v;
  plan.labels[LABELS.repo] = v.url;
  plan.labels[LABELS.repoVolume] = v.name;
}

/** The folder bound at /workspaces/<name> and the shell's directory there; keepAlive: our own command. */
function folderMounted(
  abs: string,
  keepAlive: boolean,
): Pick<WorkspacePlan, 'workspaceFolder' | 'mount' | 'keepAlive'> {
  const target = defaultWorkspaceFolder(abs);
  return { workspaceFolder: target, mount: { type: 'bind', source: abs, target }, keepAlive };
}

/** runArgs' values taken into ContainerHostOptions as they are. */
const HOST_FROM_RUN_ARGS = [
  'capDrop',
  'extraHosts',
  'shmSize',
  'memory',
  'cpus',
  'devices',
  'ulimits',
  'network',
  'hostname',
  'ipc',
  'pid',
  'userns',
  'sysctls',
  'gpus',
] as const satisfies readonly (keyof ContainerHostOptions & keyof RunArgsOptions)[];

/**
 * An image or Dockerfile config's container shape: runArgs (what maps to the engine API), `mounts`,
 * `init`, `privileged`, `capAdd`, `securityOpt`, `appPort`. What cannot be honoured is a warning.
 */
function shapeFromConfig(folder: string, dc: DevcontainerConfig, plan: WorkspacePlan, sub: SubstitutionContext): void {
  const warn = (w: string) => void plan.warnings.push(w);
  const ra = parseRunArgs(
    (dc.runArgs ?? []).map((a) => substitute(a, sub)),
    { folder, env: sub.env },
  );
  ra.warnings.forEach(warn);
  const r = ra.options;
  const host: ContainerHostOptions = {};
  const keep = (v: unknown) =>
    v !== undefined && !(Array.isArray(v) && !v.length) && !(v && typeof v === 'object' && !Object.keys(v).length);
  const merged: ContainerHostOptions = {
    capAdd: [...new Set([...r.capAdd, ...(dc.capAdd ?? [])])],
    securityOpt: [...new Set([...r.securityOpt, ...(dc.securityOpt ?? [])])],
    privileged: r.privileged || dc.privileged ? true : undefined,
    init: r.init || dc.init ? true : undefined,
    tmpfs: { ...r.tmpfs },
  };
  for (const k of HOST_FROM_RUN_ARGS) if (keep(r[k])) Object.assign(host, { [k]: r[k] });
  for (const [k, v] of Object.entries(merged) as [string, unknown][]) if (keep(v)) Object.assign(host, { [k]: v });
  plan.host = host;
  // The config's own containerEnv and our labels win over runArgs' -e and -l.
  plan.env = { ...r.env, ...plan.env };
  plan.labels = { ...r.labels, ...plan.labels };
  const taken = new Set(plan.ports.map((p) => `${p.hostIp ?? ''}:${p.hostPort}`));
  for (const p of [...r.ports, ...forwardedPorts(dc.appPort ?? [])])
    if (!taken.has(`${p.hostIp ?? ''}:${p.hostPort}`)) plan.ports.push(p);
  plan.mounts.push(...r.mounts);
  for (const entry of dc.mounts ?? []) {
    const m = parseMount(entry, sub);
    m.warnings.forEach(warn);
    if (m.mount) plan.mounts.push(m.mount);
    if (m.tmpfs) plan.host.tmpfs = { ...(plan.host.tmpfs ?? {}), [m.tmpfs.target]: m.tmpfs.options };
  }
  if (r.user && !plan.containerUser) plan.containerUser = r.user;
  if (r.entrypoint !== undefined) plan.entrypoint = r.entrypoint;
  if (r.workdir) warn('runArgs: --workdir is not honoured; the shell starts in workspaceFolder.');
}

/** A Compose config's container is shaped by its Compose files: these properties are not applied. */
function composeShapeWarnings(dc: DevcontainerConfig, warnings: string[]): void {
  const unused = [
    dc.runArgs?.length ? 'runArgs' : '',
    dc.mounts?.length ? 'mounts' : '',
    dc.capAdd?.length ? 'capAdd' : '',
    dc.securityOpt?.length ? 'securityOpt' : '',
    dc.privileged ? 'privileged' : '',
    dc.init ? 'init' : '',
    dc.features?.length ? 'features' : '',
  ].filter(Boolean);
  for (const p of unused)
    warnings.push(`${p}: not applied to a Compose dev container; set it on the service in the Compose file.`);
}
