import { composeVerbCommand } from './composeVerbCommand';

/** Restarts the project's or service's containers. */
export const composeRestart = composeVerbCommand({
  id: 'containerWorkspaces.composeRestart',
  title: 'Restart',
  args: ['restart'],
});
