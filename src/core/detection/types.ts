import type { ReadOutcome } from '../io/readBounded';

/**
 * The container context of a workspace folder. Plain Node (src/core):
 * detection gets a file listing and a file reader passed in, and works the same in the CLI.
 */

export type ContextKind = 'devcontainer' | 'compose' | 'dockerfile' | 'kubernetes';

/** 0-based, like VS Code's positions. */
export interface SourceRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A problem in a file the user wrote; shown in the Problems panel. Detection never throws. */
export interface ContextDiagnostic {
  /** Absolute path. */
  file: string;
  message: string;
  severity: 'error' | 'warning';
  range: SourceRange;
  source: ContextKind;
}

export interface DockerfileStage {
  /** FROM … AS name, when named. */
  name?: string;
  /** The FROM image (may name an earlier stage, or hold ${ARG}s). */
  baseImage: string;
  /** 0-based line of the FROM instruction. */
  line: number;
}

export interface DockerfileInfo {
  /** Absolute path. */
  path: string;
  stages: DockerfileStage[];
  /** A Containerfile (Podman's name for it). */
  podmanLeaning: boolean;
}

export interface ComposePort {
  /** Container port (or range start). */
  target: number;
  /** Host port or range as written ("8080", "8000-8010"); undefined when not published. */
  published?: string;
  hostIp?: string;
  protocol: string;
}

export interface ComposeService {
  name: string;
  image?: string;
  build?: { context: string; dockerfile?: string; target?: string };
  containerName?: string;
  ports: ComposePort[];
  profiles: string[];
  dependsOn: string[];
  /** Where the service is defined (the first file that names it), for "go to definition". */
  file: string;
  line: number;
}

export interface ComposeProject {
  /** As the compose tool names it (COMPOSE_PROJECT_NAME, top-level name:, folder name), normalised. */
  name: string;
  /** The project directory (absolute): where the first compose file is. */
  workingDir: string;
  /** Absolute paths, base first, then overrides, in merge order. */
  files: string[];
  services: ComposeService[];
  /** A podman-compose file, or one next to a Containerfile only. */
  podmanLeaning: boolean;
}

/**
 * A dev container lifecycle command as written: a string (run by `/bin/sh -c`), an array (one argv,
 * no shell) or an object whose values run in parallel, each in one of the first two forms.
 */
export type LifecycleCommand = string | string[] | Record<string, string | string[]>;

/** The lifecycle hooks that run inside the container, in the order the spec runs them. */
export const CONTAINER_HOOKS = [
  'onCreateCommand',
  'updateContentCommand',
  'postCreateCommand',
  'postStartCommand',
  'postAttachCommand',
] as const;
export type ContainerHook = (typeof CONTAINER_HOOKS)[number];

/** The hook `waitFor` names: tools go on (open a shell, report "ready") once it has run. */
export type WaitFor =
  'initializeCommand' | 'onCreateCommand' | 'updateContentCommand' | 'postCreateCommand' | 'postStartCommand';

/** One entry of `features`, as written: the key (a Feature reference) and its options. */
export interface DevcontainerFeature {
  /** The key as written: `ghcr.io/devcontainers/features/node:1`, `./local-feature`, … */
  id: string;
  /** A string or boolean (shorthand for `version`) or an object of options, as written. */
  options: string | boolean | Record<string, unknown>;
  /** Where the key is, for diagnostics about this Feature later (fetch, metadata, order). */
  range: SourceRange;
}

/** A `mounts` entry: the `--mount` string form, or the schema's object form. */
export type DevcontainerMountEntry = string | { type: 'bind' | 'volume'; source?: string; target: string };

/** `hostRequirements`, sizes in bytes ("4gb" → 4 × 1024³). */
export interface HostRequirements {
  cpus?: number;
  memory?: number;
  storage?: number;
  gpu?: boolean | 'optional' | { cores?: number; memory?: number };
}

/**
 * A devcontainer.json as far as it shapes the container. Properties added after the first version
 * are only present when the file sets them, so a config that does not use them keeps its old shape.
 */
export interface DevcontainerConfig {
  /** Absolute path of devcontainer.json. */
  path: string;
  name?: string;
  kind: 'image' | 'build' | 'compose';
  image?: string;
  /** Absolute paths. `options` (extra build CLI flags) and `cacheFrom` only when set. */
  build?: {
    dockerfile: string;
    context: string;
    target?: string;
    args: Record<string, string>;
    options?: string[];
    cacheFrom?: string[];
  };
  compose?: { files: string[]; service: string; runServices?: string[] };
  /** Inside the container; default /workspaces/<folder name>. */
  workspaceFolder: string;
  /** As written, or the default `source=<folder>,target=/workspaces/<folder name>,type=bind`. */
  workspaceMount: string;
  forwardPorts: (number | string)[];
  containerEnv: Record<string, string>;
  /** The user the container runs as (set at create); remoteUser is who commands run as. */
  containerUser?: string;
  remoteUser?: string;
  postCreateCommand?: LifecycleCommand;
  /** In the order written. */
  features?: DevcontainerFeature[];
  overrideFeatureInstallOrder?: string[];
  /** Runs on the host, before anything else (trusted folders only). */
  initializeCommand?: LifecycleCommand;
  onCreateCommand?: LifecycleCommand;
  updateContentCommand?: LifecycleCommand;
  postStartCommand?: LifecycleCommand;
  postAttachCommand?: LifecycleCommand;
  /** Default (when absent): updateContentCommand. */
  waitFor?: WaitFor;
  /** `docker run` arguments as written (image and Dockerfile configs; see workspace/runArgs.ts). */
  runArgs?: string[];
  /** As written; variables are substituted when the container is planned (workspace/mounts.ts). */
  mounts?: DevcontainerMountEntry[];
  /** For processes we start in the container; null unsets a variable. May use ${containerEnv:…}. */
  remoteEnv?: Record<string, string | null>;
  updateRemoteUserUID?: boolean;
  /** Default: true for image and Dockerfile configs, false for Compose. */
  overrideCommand?: boolean;
  /** `stopCompose` only for Compose configs, `stopContainer` only for the others. */
  shutdownAction?: 'none' | 'stopContainer' | 'stopCompose';
  hostRequirements?: HostRequirements;
  init?: boolean;
  privileged?: boolean;
  capAdd?: string[];
  securityOpt?: string[];
  userEnvProbe?: 'none' | 'loginShell' | 'loginInteractiveShell' | 'interactiveShell';
  /** Deprecated (forwardPorts is preferred): ports published as `docker run -p` would. */
  appPort?: (number | string)[];
}

export interface KubernetesContainer {
  name: string;
  image?: string;
}

export interface KubernetesResource {
  /** Absolute path of the manifest. */
  file: string;
  /** 0-based line where the document starts. */
  line: number;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** For workloads (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod, ReplicaSet, …). */
  containers: KubernetesContainer[];
}

export interface KubernetesInfo {
  /** Absolute paths of kustomization.yaml / .yml / Kustomization. */
  kustomizations: string[];
  /** Helm charts (Chart.yaml; templates are not parsed). */
  charts: { path: string; name?: string; version?: string }[];
  resources: KubernetesResource[];
}

export interface FolderContext {
  /** Absolute path of the workspace folder. */
  folder: string;
  dockerfiles: DockerfileInfo[];
  composeProjects: ComposeProject[];
  devcontainers: DevcontainerConfig[];
  kubernetes: KubernetesInfo;
  /** Containerfile-only projects, podman-compose files. */
  podmanLeaning: boolean;
  /** devcontainer > compose > dockerfile > kubernetes; undefined when nothing was found. */
  primary?: ContextKind;
  diagnostics: ContextDiagnostic[];
}

/**
 * Reads a file: its outcome (see readBounded: text, or why it was not read), or, for simple readers,
 * the text or undefined when it cannot be read. Detection turns every failure but "missing" into a
 * diagnostic on the file.
 */
export type ReadText = (absPath: string, signal?: AbortSignal) => Promise<string | undefined | ReadOutcome>;
