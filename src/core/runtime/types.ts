/** The normalised shapes every runtime speaks. Plain Node, like all of src/core (.dependency-cruiser.cjs). */

export type RuntimeId = 'docker' | 'podman' | 'apple';
export const RUNTIME_IDS: readonly RuntimeId[] = ['docker', 'podman', 'apple'];

export const RUNTIME_LABELS: Record<RuntimeId, string> = {
  docker: 'Docker',
  podman: 'Podman',
  apple: 'Apple Containers',
};

export type ContainerState =
  'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead' | 'unknown';
export type HealthState = 'healthy' | 'unhealthy' | 'starting';

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
  health?: HealthState;
  /** A stopped container's exit code, when the runtime reports it in the list. */
  exitCode?: number;
  mounts?: MountInfo[];
  /** Names of the networks it is attached to. */
  networkNames?: string[];
  /** The id of the image it was made from, where the engine says (Docker's ImageID, Apple's digest). */
  imageId?: string;
}

export interface MountInfo {
  type: string;
  /** Host path (bind) or volume name (volume). */
  source?: string;
  destination: string;
  readOnly: boolean;
}

export interface ContainerDetails extends ContainerSummary {
  command: string[];
  entrypoint: string[];
  workingDir?: string;
  user?: string;
  tty: boolean;
  /** ms since the epoch; undefined when never started. */
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  restartCount?: number;
  mounts: MountInfo[];
  networks: { name: string; ipAddress?: string }[];
  /** The engine's own inspect document, for a read-only view. May hold environment values: never log it. */
  raw: unknown;
}

export interface RuntimeCapabilities {
  pause: boolean;
  /** true: the engine pushes events; false: they are derived by polling while subscribed. */
  eventsPushed: boolean;
  restart: boolean;
  build: boolean;
  /** wait() and inspect() know a stopped container's exit code (Apple's CLI does not report it). */
  exitCodes: boolean;
}

export interface RuntimeInfo {
  runtime: RuntimeId;
  /** e.g. "Docker Engine - Community", "Podman Engine", "container". */
  name: string;
  version: string;
  apiVersion?: string;
  os?: string;
  arch?: string;
  endpoint: string;
  capabilities: RuntimeCapabilities;
}

export interface MountSpec {
  type: 'bind' | 'volume';
  /** Host path (bind) or volume name (volume). */
  source: string;
  target: string;
  readOnly?: boolean;
}

/**
 * How the container is run beyond its command: the part of `docker run` a dev container can ask for
 * (its runArgs, `init`, `privileged`, `capAdd`, `securityOpt`, and what Features contribute).
 * Docker and Podman take all of it through HostConfig; Apple's CLI takes a subset and refuses the
 * rest with the option named (see appleRuntime.ts).
 */
export interface ContainerHostOptions {
  capAdd?: string[];
  capDrop?: string[];
  securityOpt?: string[];
  privileged?: boolean;
  /** An init process as PID 1 (docker run --init). */
  init?: boolean;
  /** "name:ip". */
  extraHosts?: string[];
  /** Bytes. */
  shmSize?: number;
  /** Bytes. */
  memory?: number;
  /** CPUs, fractional (HostConfig.NanoCpus = cpus × 1e9). */
  cpus?: number;
  devices?: { pathOnHost: string; pathInContainer: string; cgroupPermissions: string }[];
  ulimits?: { name: string; soft: number; hard: number }[];
  /** Target → mount options ("" for none). */
  tmpfs?: Record<string, string>;
  /** A network name, `host`, `none`, `container:<id>`. */
  network?: string;
  hostname?: string;
  ipc?: string;
  pid?: string;
  userns?: string;
  sysctls?: Record<string, string>;
  /** As `docker run --gpus` takes it: "all", a count, or "device=0,1". */
  gpus?: string;
}

export interface CreateContainerOptions {
  image: string;
  name?: string;
  cmd?: string[];
  entrypoint?: string[];
  env?: Record<string, string>;
  labels?: Record<string, string>;
  workingDir?: string;
  user?: string;
  tty?: boolean;
  /** Keep stdin open (for interactive use). */
  openStdin?: boolean;
  mounts?: MountSpec[];
  ports?: PortMapping[];
  autoRemove?: boolean;
  host?: ContainerHostOptions;
  /** Apple only: its CLI forwards this machine's SSH agent (`--ssh`); the others get a mount instead. */
  sshAgent?: boolean;
}

export interface ListOptions {
  /** Include stopped containers (default true). */
  all?: boolean;
  /** Only these containers (full ids or id prefixes); the ones that no longer exist are simply absent. */
  ids?: string[];
  signal?: AbortSignal;
}

export interface RemoveOptions {
  force?: boolean;
  /** Remove anonymous volumes too. Named volumes are never removed. */
  volumes?: boolean;
}

export interface LogOptions {
  /** Lines from the end to start with; undefined = all. */
  tail?: number;
  follow?: boolean;
  timestamps?: boolean;
  signal?: AbortSignal;
}

export interface LogChunk {
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface ExecOptions {
  cmd: string[];
  env?: Record<string, string>;
  workingDir?: string;
  user?: string;
  signal?: AbortSignal;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface InteractiveExecOptions extends ExecOptions {
  cols?: number;
  rows?: number;
}

/** A running TTY session inside a container. */
export interface InteractiveExec {
  write(data: string | Uint8Array): void;
  resize(cols: number, rows: number): Promise<void>;
  onData(listener: (data: string) => void): void;
  /** Resolves with the exit code when the process ends (or -1 when closed first). */
  readonly exit: Promise<number>;
  close(): void;
}

export interface StatsSample {
  id: string;
  /** ms since the epoch, when the engine took the sample. */
  read: number;
  /** Percent of one core (100 = one core busy), as `docker stats` shows it. */
  cpuPercent: number;
  memoryUsed: number;
  memoryLimit: number;
  memoryPercent: number;
  netRx: number;
  netTx: number;
  blockRead: number;
  blockWrite: number;
  pids: number;
}

export type ContainerAction =
  | 'create'
  | 'start'
  | 'restart'
  | 'stop'
  | 'die'
  | 'kill'
  | 'pause'
  | 'unpause'
  | 'destroy'
  | 'rename'
  | 'health_status'
  | 'oom';

export interface RuntimeEvent {
  type: 'container';
  action: ContainerAction;
  id: string;
  name?: string;
  image?: string;
  /** ms since the epoch. */
  time: number;
  /** e.g. exitCode for die, healthStatus for health_status. */
  attributes: Record<string, string>;
}

/** An engine event about an image, a volume or a network: something in that list changed. */
export interface ResourceEvent {
  type: 'image' | 'volume' | 'network';
  /** The engine's word: pull, tag, untag, delete, create, destroy, connect, disconnect, … */
  action: string;
  id: string;
  time: number;
}

export interface ImageSummary {
  id: string;
  tags: string[];
  size: number;
  created: number;
  /** "repo@sha256:…": the manifests it was pulled (or pushed) as. */
  digests?: string[];
  labels?: Record<string, string>;
}

/** What the engine says its things take on disk (`docker system df`); absent figures were not given. */
export interface DiskUsage {
  /** Image id (without "sha256:") → its size and the part shared with other images. */
  images: Map<string, { size: number; shared?: number }>;
  /** Container id → the size of its writable layer. */
  containers: Map<string, number>;
  /** Volume name → its size (-1: the engine could not say). */
  volumes: Map<string, number>;
  buildCache?: { size: number; reclaimable: number; entries: number };
  /** Every image layer once (shared layers counted once), when the engine says. */
  layersSize?: number;
}

export interface VolumeSummary {
  name: string;
  driver: string;
  /** Where the engine keeps it (on the engine's machine). */
  mountpoint?: string;
  /** ms since the epoch, when the engine says. */
  created?: number;
  labels: Record<string, string>;
  scope?: string;
}

export interface NetworkSummary {
  id: string;
  name: string;
  driver: string;
  scope: string;
  /** ms since the epoch, when the engine says. */
  created?: number;
  labels: Record<string, string>;
  internal?: boolean;
}

export interface ProgressEvent {
  /** One line for a person: "Pulling fs layer", "Step 2/5 : RUN …". */
  message: string;
  /** The layer or step this is about, when there is one. */
  id?: string;
  current?: number;
  total?: number;
}

export interface BuildOptions {
  /** Build context directory on the host. */
  context: string;
  /** Dockerfile path relative to the context (default "Dockerfile"). */
  dockerfile?: string;
  tag: string;
  target?: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  /** Build every step anew, without the layer cache (`nocache`). */
  noCache?: boolean;
  /** Pull the base images even when the engine has them (`pull`). */
  pull?: boolean;
  /** The RUN steps' network (`networkmode`): host, none, default or a network's name. */
  network?: string;
  /** The image's platform, os/arch[/variant] (`platform`). */
  platform?: string;
  /** "name:ip" lines added to the RUN steps' /etc/hosts (`extrahosts`). */
  extraHosts?: string[];
  /** Size of the RUN steps' /dev/shm, bytes (`shmsize`). */
  shmSize?: number;
  /** Images whose layers the build may take as its cache (`cachefrom`). */
  cacheFrom?: string[];
  signal?: AbortSignal;
}

/** Something that keeps delivering until closed: events, followed logs, stats. */
export interface Subscription {
  close(): void;
  /** Resolves when the stream has ended, by close() or by the engine. */
  readonly ended: Promise<void>;
}

export interface ContainerRuntime {
  readonly id: RuntimeId;
  readonly label: string;
  /** Where it talks to, for messages ("unix:///var/run/docker.sock", "/usr/local/bin/container"). */
  readonly endpoint: string;
  readonly capabilities: RuntimeCapabilities;

  ping(signal?: AbortSignal): Promise<void>;
  info(signal?: AbortSignal): Promise<RuntimeInfo>;

  listContainers(options?: ListOptions): Promise<ContainerSummary[]>;
  inspect(id: string, signal?: AbortSignal): Promise<ContainerDetails>;

  /** Returns the new container's id. */
  createContainer(options: CreateContainerOptions): Promise<string>;
  start(id: string): Promise<void>;
  stop(id: string, timeoutSeconds?: number): Promise<void>;
  restart(id: string, timeoutSeconds?: number): Promise<void>;
  pause(id: string): Promise<void>;
  unpause(id: string): Promise<void>;
  kill(id: string, signal?: string): Promise<void>;
  remove(id: string, options?: RemoveOptions): Promise<void>;
  /**
   * Deletes a named volume and what is in it. `conflict` while a container still uses it,
   * `notFound` when there is none by that name.
   */
  removeVolume(name: string): Promise<void>;
  listVolumes(signal?: AbortSignal): Promise<VolumeSummary[]>;
  /** What images, containers, volumes and the build cache take on disk (one engine call where it has one). */
  diskUsage(signal?: AbortSignal): Promise<DiskUsage>;
  listNetworks(signal?: AbortSignal): Promise<NetworkSummary[]>;
  /** Removes a network by id or name. */
  removeNetwork(idOrName: string): Promise<void>;
  /** Waits until the container stops; resolves with its exit code. */
  wait(id: string, signal?: AbortSignal): Promise<number>;

  /** Delivers log chunks until the end (or, with follow, until closed or the container is removed). */
  logs(id: string, options: LogOptions, onChunk: (chunk: LogChunk) => void): Promise<Subscription>;
  exec(id: string, options: ExecOptions): Promise<ExecResult>;
  execInteractive(id: string, options: InteractiveExecOptions): Promise<InteractiveExec>;

  stats(id: string, signal?: AbortSignal): Promise<StatsSample>;
  subscribeStats(id: string, onSample: (s: StatsSample) => void, onError?: (err: Error) => void): Subscription;

  /** Container events; runtimes that cannot push poll while subscribed. */
  /**
   * The engine's events on one stream: containers' to `onEvent`; images', volumes' and networks' to
   * `onResource` when given (one stream serves every view). A runtime that cannot push derives
   * container events by polling and has no resource events.
   */
  subscribeEvents(
    onEvent: (e: RuntimeEvent) => void,
    onError?: (err: Error) => void,
    onResource?: (e: ResourceEvent) => void,
  ): Subscription;

  listImages(signal?: AbortSignal): Promise<ImageSummary[]>;
  /** Removes an image by id or reference (a tag: only that tag, unless it is the last). */
  removeImage(ref: string, options?: { force?: boolean }): Promise<void>;
  /** Gives the image `source` the reference `target` as well. */
  tagImage(source: string, target: string): Promise<void>;
  imageExists(ref: string, signal?: AbortSignal): Promise<boolean>;
  /** The image's USER ("" when it sets none); absent where the runtime cannot tell (Apple). */
  imageUser?(ref: string, signal?: AbortSignal): Promise<string>;
  pullImage(ref: string, onProgress?: (p: ProgressEvent) => void, signal?: AbortSignal): Promise<void>;
  /** Returns the built image's id. */
  buildImage(options: BuildOptions, onProgress?: (p: ProgressEvent) => void): Promise<string>;

  /**
   * Streams this runtime holds open now (event, stats and log subscriptions, exec sessions): 0 when
   * nothing is being watched and after close(). How "no open connection when hidden" is checked.
   */
  readonly openStreams: number;

  /**
   * Ends every stream and socket this runtime opened. Resolves once nothing of it is left: at once
   * for Docker and Podman, once its CLI children have exited for Apple. Calling it again returns
   * the same settled promise. Callers that cannot wait (disposal) use `void rt.close()`.
   */
  close(): Promise<void>;
}
