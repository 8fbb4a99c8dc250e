import { copyCommand } from './copyToClipboard';

/** Copies the full id(s) of the selected containers. */
export const copyContainerId = copyCommand('containerWorkspaces.copyContainerId', 'ID', (c) => c.id);
