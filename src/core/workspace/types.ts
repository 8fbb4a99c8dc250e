/** The shapes of creating (or reusing) a folder's workspace container. Plain Node: no `vscode`. */
import type { ComposeProject, DevcontainerConfig, DockerfileInfo } from '../detection/types';
import type { ComposeTool } from '../compose/composeTool';

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
   * Runs postCreateCommand once, right after the container is first created (never on reuse).
   * Omit it to skip the command (an untrusted folder). Each entry is one argv: the string form is
   * ['sh', '-c', s], the array form as is, the object form each value in order.
   */
  runPostCreate?: (commands: string[][], containerId: string, at: PostCreateTarget) => Promise<void>;
  /** Extra labels on what is created (tests mark their containers); ours win over these. */
  labels?: Record<string, string>;
  /** Environment for `${localEnv:…}` substitution and the Compose tool (default process.env). Never logged. */
  env?: NodeJS.ProcessEnv;
}

export interface WorkspaceContainer {
  id: string;
  name: string;
  /** false when an existing container for the folder was reused (started if it was stopped). */
  created: boolean;
  /** Inside the container: where the folder is mounted (the shell's working dir). */
  workspaceFolder: string;
  remoteUser?: string;
}
