/** The normalised shapes every runtime speaks. No `vscode` import anywhere under src/runtime. */

export type RuntimeId = 'docker' | 'podman' | 'apple';
export const RUNTIME_IDS: readonly RuntimeId[] = ['docker', 'podman', 'apple'];

export const RUNTIME_LABELS: Record<RuntimeId, string> = {
  docker: 'Docker',
  podman: 'Podman',
  apple: 'Apple Containers',
};

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead' | 'unknown';

export interface PortMapping {
  containerPort: number;
  hostPort?: number;
  hostIp?: string;
  protocol: string;
}

export interface ContainerSummary {
  id: string;
  /** Primary name, without the leading slash. */
  name: string;
  names: string[];
  image: string;
  state: ContainerState;
  /** The engine's human text, e.g. "Up 5 minutes". */
  status: string;
  /** Milliseconds since the epoch. */
  created: number;
  labels: Record<string, string>;
  ports: PortMapping[];
  composeProject?: string;
  composeService?: string;
}

export interface RuntimeCapabilities {
  pause: boolean;
  /** true: the engine pushes events; false: they are derived by polling. */
  eventsPushed: boolean;
}

export interface RuntimeInfo {
  runtime: RuntimeId;
  /** e.g. "Docker Engine - Community", "Podman Engine". */
  name: string;
  version: string;
  apiVersion?: string;
  os?: string;
  arch?: string;
  endpoint: string;
  capabilities: RuntimeCapabilities;
}

export interface CreateContainerOptions {
  image: string;
  name?: string;
  cmd?: string[];
  env?: Record<string, string>;
  labels?: Record<string, string>;
  workingDir?: string;
  tty?: boolean;
}

export interface ListOptions {
  /** Include stopped containers (default true). */
  all?: boolean;
}

export interface RemoveOptions {
  force?: boolean;
  /** Remove anonymous volumes too. Named volumes are never removed. */
  volumes?: boolean;
}

export interface ContainerRuntime {
  readonly id: RuntimeId;
  readonly label: string;
  /** Where it talks to, for messages ("unix:///var/run/docker.sock"). */
  readonly endpoint: string;
  ping(signal?: AbortSignal): Promise<void>;
  info(): Promise<RuntimeInfo>;
  listContainers(options?: ListOptions): Promise<ContainerSummary[]>;
  createContainer(options: CreateContainerOptions): Promise<string>;
  start(id: string): Promise<void>;
  stop(id: string, timeoutSeconds?: number): Promise<void>;
  remove(id: string, options?: RemoveOptions): Promise<void>;
  /** Ends every stream and socket this runtime opened. */
  close(): void;
}
