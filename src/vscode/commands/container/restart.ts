import { lifecycleCommand } from './lifecycleCommand';

/** Restarts containers (stopped ones are started). */
export const restartContainer = lifecycleCommand({
  id: 'containerWorkspaces.restartContainer',
  verb: 'Restart',
  progress: 'Restarting',
  states: ['running', 'paused', 'exited', 'created', 'restarting', 'dead'],
  action: (rt, c) => rt.restart(c.id),
});
