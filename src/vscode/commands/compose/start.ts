import { composeVerbCommand } from './composeVerbCommand';

/** Starts the existing containers of the project or service. */
export const composeStart = composeVerbCommand({
  id: 'containerWorkspaces.composeStart',
  title: 'Start',
  args: ['start'],
});
