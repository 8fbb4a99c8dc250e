/** The shapes of creating (or reusing) a folder's workspace container. Plain Node: no `vscode`. */
import type { ComposeProject, DevcontainerConfig, DockerfileInfo } from '../detection/types';
import type { ComposeTool } from '../compose/composeTool';
import type { CredentialSource } from '../registry/credentials';
import type { LifecycleError, LifecycleExecContext } from './lifecycle';
import type { RuntimeError } from '../runtime/errors';
import type { ForwardServers } from '../forwarding/serve';
import type { ForwardChoice } from '../forwarding/types';

export type WorkspaceSourceKind = 'devcontainer' | 'dockerfile' | 'compose' | 'image';

export interface WorkspaceSource {
  kind: WorkspaceSourceKind;
  /** For a quick pick: "Dev container: Node (image)", "Dockerfile: Dockerfile", "Compose service: web", "Image: …". */
  label: string;
  /** kind devcontainer (its own kind image | build | compose). */
  devcontainer?: DevcontainerConfig;
  /** kind dockerfile. */
  dockerfile?: DockerfileInfo;
  /** kind compose. */
  compose?: { project: ComposeProject; service: string };
  /** kind image (a user-named image). */
  image?: string;
}

export interface WorkspaceProgress {
  message: string;
  /** Percent of the whole operation this step completes (for a VS Code progress notification). */
  increment?: number;
}

/** Where the post-create commands run: the workspace folder inside the container, as the remote user. */
export interface PostCreateTarget {
  workspaceFolder: string;
  user?: string;
}

export interface CreateWorkspaceOptions {
  /** Absolute host path of the workspace folder. */
  folder: string;
  source: WorkspaceSource;
  /** docker / podman: needed for compose sources (find it with findComposeTool from ../compose/composeTool). */
  composeTool?: ComposeTool;
  /** The engine address compose must talk to (default: runtime.endpoint). */
  endpointUrl?: string;
  /** Pull layers, build steps, Compose output, "Creating container…". */
  onProgress?: (p: WorkspaceProgress) => void;
  /** Cancels pull, build and Compose; a cancelled create leaves no container behind. */
  signal?: AbortSignal;
  /**
   * Runs the lifecycle hooks: initializeCommand on the host, onCreate … postStart after a create,
   * postStart after a start. Omit it to run none (an untrusted folder, `cws create --no-hooks`).
   */
  hooks?: WorkspaceHookRunner;
  /** Remove the folder's container (never its volumes) and create it anew. */
  rebuild?: boolean;
  /** Registry credentials for OCI Features (default: the user's Docker credentials). */
  credentials?: CredentialSource;
  /** Registries besides loopback fetched from in plain http. */
  insecureHosts?: readonly string[];
  /** How long a registry may take to answer one request, and to send nothing mid-answer (default 60 s / 20 s). */
  registryTimeoutMs?: number;
  /**
   * This machine's user for updateRemoteUserUID (default: this process's uid and gid on Linux;
   * null: not done).
   */
  hostIds?: { uid: number; gid: number } | null;
  /** Extra labels on what is created (tests mark their containers); ours win over these. */
  labels?: Record<string, string>;
  /** Environment for `${localEnv:…}` substitution and the Compose tool (default process.env). Never logged. */
  env?: NodeJS.ProcessEnv;
  /** What the container borrows from this machine (git identity and credentials, SSH and GPG agents); omit: nothing. */
  forwarding?: WorkspaceForwarding;
  /** The workspace is a repository cloned into this volume; `folder` holds its config copied out. */
  volume?: WorkspaceVolume;
}

/** How a create or an attach forwards: what is on, who serves, this machine's environment. */
export interface WorkspaceForwarding {
  choice: ForwardChoice;
  servers: ForwardServers;
  /** This machine's environment (HOME, SSH_AUTH_SOCK, GNUPGHOME; default process.env). Never logged. */
  env?: NodeJS.ProcessEnv;
  /** The server's log (requests by remote and outcome, never a value). */
  log?: (line: string) => void;
}

export interface WorkspaceContainer {
  id: string;
  name: string;
  /** false when an existing container for the folder was reused (started if it was stopped). */
  created: boolean;
  /** Inside the container: where the folder is mounted (the shell's working dir). */
  workspaceFolder: string;
  remoteUser?: string;
  /** Made from an earlier version of the dev container config: a rebuild applies the change. */
  outOfDate?: boolean;
  /** The hooks after the waitFor point: resolves when they are done, with their failure if one failed. */
  hooksDone?: Promise<LifecycleError | RuntimeError | undefined>;
}

/** Where and as whom a hook runs in the container. */
export interface HookTarget {
  containerId: string;
  containerName: string;
  workspaceFolder: string;
  user?: string;
  /** remoteEnv, resolved (null: unset for the command). */
  env: Record<string, string | null>;
}

/** How hooks are run; absent on a create: no hook runs (an untrusted folder, `--no-hooks`). */
export interface WorkspaceHookRunner {
  /** Runs one command in the container and resolves with its exit code. */
  inContainer(argv: string[], ctx: LifecycleExecContext, at: HookTarget): Promise<{ exitCode: number }>;
  /** Runs initializeCommand on the host in `cwd`; absent: initializeCommand is not run (and said so). */
  onHost?(argv: string[], ctx: LifecycleExecContext, cwd: string): Promise<{ exitCode: number }>;
}

/** A repository cloned into a named volume, as a workspace. */
export interface WorkspaceVolume {
  name: string;
  /** Its URL (a label: the Containers view and `cws` find the workspace by it). */
  url: string;
  /** Inside the container: the clone (`/workspaces/<name>`). */
  path: string;
  /** Cloned just now (its files are given to the remote user). */
  fresh: boolean;
}

/** Where a repository volume is mounted. */
export const REPO_MOUNT = '/workspaces';
