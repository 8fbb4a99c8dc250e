import { lifecycleCommand } from './lifecycleCommand';

/** Resumes paused containers. */
export const unpauseContainer = lifecycleCommand({
  id: 'containerWorkspaces.unpauseContainer',
  verb: 'Resume',
  progress: 'Resuming',
  states: ['paused'],
  action: (rt, c) => rt.unpause(c.id),
});
