/**
 * The API Container Workspaces exports to other extensions: types only, so another extension may
 * copy this file and depend on nothing else of ours.
 *
 * ```ts
 * const ext = vscode.extensions.getExtension<ContainerWorkspacesApi>('container-workspaces.container-workspaces');
 * const api = await ext?.activate();
 * if (api?.apiVersion === 1) {
 *   const c = await api.workspaceContainer(vscode.workspace.workspaceFolders![0].uri);
 * }
 * ```
 *
 * Versioning: `apiVersion` is raised only when a member changes meaning or goes away; members may be
 * added without raising it. Everything returned is a frozen plain object, a snapshot taken when the
 * call was made; nothing returned reaches into the extension's own objects.
 */
import type { Event, Uri } from 'vscode';

/** The runtime setting's choices, less `auto`; `host` means no engine on purpose. */
export type ContainerWorkspacesRuntimeId = 'docker' | 'podman' | 'apple' | 'host';

/**
 * `checking`: being selected or asked for its version; `ready`: it answers; `unreachable`: it does
 * not (or none could be selected); `host`: the runtime setting is `host`, there is no engine.
 */
export type ContainerWorkspacesRuntimeState = 'checking' | 'ready' | 'unreachable' | 'host';

export type ContainerWorkspacesContainerState =
  'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead' | 'unknown';

/** The active runtime, as the status bar shows it. */
export interface ContainerWorkspacesRuntime {
  /** Undefined while `auto` is still looking, or when no runtime could be selected. */
  readonly id: ContainerWorkspacesRuntimeId | undefined;
  /** For people: `Docker`, `Podman`, `Apple Containers`, `Host`, or `Container runtime` while unknown. */
  readonly label: string;
  readonly state: ContainerWorkspacesRuntimeState;
  /** The engine's version (e.g. `27.3.1`); only while `state` is `ready`. */
  readonly version?: string;
}

/** One container of the active runtime. */
export interface ContainerWorkspacesContainer {
  /** The engine's full id. */
  readonly id: string;
  /** Its primary name, without a leading slash. */
  readonly name: string;
  /** The image reference it was created from. */
  readonly image: string;
  readonly state: ContainerWorkspacesContainerState;
}

export interface ContainerWorkspacesApi {
  /** 1 for the members below. */
  readonly apiVersion: 1;
  /** The active runtime now. */
  readonly runtime: ContainerWorkspacesRuntime;
  /** Fires with the new value when any field of `runtime` changes (not on every re-check). */
  readonly onDidChangeRuntime: Event<ContainerWorkspacesRuntime>;
  /**
   * Every container of the active runtime, stopped ones included. Waits while the runtime is being
   * checked; resolves to [] when the runtime is `host`; rejects with an Error saying why while the
   * engine does not answer (`unreachable`).
   */
  listContainers(): Promise<ContainerWorkspacesContainer[]>;
  /**
   * The container made for this folder (by Create Workspace Container, or by the Dev Containers
   * tooling), a running one first, else the newest; undefined when there is none, the folder is not
   * on disk (`file:`), or the runtime is `host`. Waits and rejects as listContainers does.
   */
  workspaceContainer(folder: Uri): Promise<ContainerWorkspacesContainer | undefined>;
}
