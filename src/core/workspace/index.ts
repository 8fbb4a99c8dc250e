/** Creating (or reusing) a folder's workspace container. Plain Node: no `vscode`. */
export type {
  CreateWorkspaceOptions,
  PostCreateTarget,
  WorkspaceContainer,
  WorkspaceProgress,
  WorkspaceSource,
  WorkspaceSourceKind,
} from './types';
export { workspaceSources, imageSource } from './sources';
export { createWorkspaceContainer } from './create';
export { findWorkspaceContainer, matchWorkspaceContainers, type FindOptions } from './find';
export { workspaceContainerName, workspaceImageTag } from './name';
export { planWorkspace, forwardedPorts, KEEP_ALIVE_SCRIPT, type WorkspacePlan } from './plan';
export { parseMountString } from './mounts';
