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

export interface DevcontainerConfig {
  /** Absolute path of devcontainer.json. */
  path: string;
  name?: string;
  kind: 'image' | 'build' | 'compose';
  image?: string;
  /** Absolute paths. */
  build?: { dockerfile: string; context: string; target?: string; args: Record<string, string> };
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
  postCreateCommand?: string | string[] | Record<string, string | string[]>;
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
