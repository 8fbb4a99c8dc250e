import type { Command } from './types';

export const showLog: Command = {
  id: 'containerWorkspaces.showLog',
  run({ log }) {
    log.show();
  },
};
