import { composeVerbCommand } from './composeVerbCommand';

/** Creates and starts the project's (or one service's) containers, detached; builds images that are missing. */
export const composeUp = composeVerbCommand({ id: 'containerWorkspaces.composeUp', title: 'Up', args: ['up', '-d'] });
