import type { Command } from '../types';

export const clearContainersFilter: Command = {
  id: 'containerWorkspaces.clearContainersFilter',
  run({ containers, containersView }) {
    containers.setFilter('');
    containersView.description = undefined;
  },
};
