import { lifecycleCommand } from './lifecycleCommand';

/** Freezes running containers' processes (only runtimes that can pause offer it). */
export const pauseContainer = lifecycleCommand({
  id: 'containerWorkspaces.pauseContainer',
  verb: 'Pause',
  progress: 'Pausing',
  states: ['running'],
  action: (rt, c) => rt.pause(c.id),
});
