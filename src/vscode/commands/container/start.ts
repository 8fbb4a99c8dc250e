import { lifecycleCommand } from './lifecycleCommand';

/** Starts stopped containers (the selection, or picked from a list). */
export const startContainer = lifecycleCommand({
  id: 'containerWorkspaces.startContainer',
  verb: 'Start',
  progress: 'Starting',
  states: ['created', 'exited', 'dead'],
  action: (rt, c) => rt.start(c.id),
});
