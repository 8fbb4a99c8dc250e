import { lifecycleCommand } from './lifecycleCommand';

/** Stops running containers, with the engine's grace period. */
export const stopContainer = lifecycleCommand({
  id: 'containerWorkspaces.stopContainer',
  verb: 'Stop',
  progress: 'Stopping',
  states: ['running', 'paused', 'restarting'],
  action: (rt, c) => rt.stop(c.id),
});
