import { composeVerbCommand } from './composeVerbCommand';

/** Stops the project's or service's containers (they are kept). */
export const composeStop = composeVerbCommand({ id: 'containerWorkspaces.composeStop', title: 'Stop', args: ['stop'] });
