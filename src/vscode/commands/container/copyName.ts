import { copyCommand } from './copyToClipboard';

/** Copies the name(s) of the selected containers. */
export const copyContainerName = copyCommand('containerWorkspaces.copyContainerName', 'Name', (c) => c.name);
