/**
 * The lazily loaded half of the extension (dist/background.js, bundled apart and required after
 * activation): context detection and workspace-container creation, both of which need the YAML
 * and JSONC parsers that the first frame does not.
 */
export { changedKinds, detectDirectory } from './detection/detect';
export { excludeMatcher } from './detection/glob';
export { createWorkspaceContainer, imageSource, workspaceSources } from './workspace';
export { attachToWorkspaceContainer } from './workspace/attach';
export { ForwardServers } from './forwarding/serve';
export { parseForwardLabel, releaseForwarding, startForwarding } from './workspace/forwarding';
export {
  checkRepoUrl,
  createFromRepository,
  removeRepoVolume,
  repoConfigFolder,
  repoFolderName,
  repoVolumeName,
} from './workspace/repoVolume';
export { imageInventory } from './inventory/images';
export { networkInventory } from './inventory/networks';
export { volumeInventory } from './inventory/volumes';
export { removeImageChecked, removeNetworkChecked, removeVolumeChecked } from './inventory/remove';
export { executePrune, prunePlan } from './inventory/prune';
export { composeInvocation, composeMissingHint, findComposeTool, runCompose } from './compose/composeTool';
