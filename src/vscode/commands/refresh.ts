import type { Command } from './types';

/** Re-reads the containers; when the runtime was unreachable, tries it again first. */
export const refresh: Command = {
  id: 'containerWorkspaces.refresh',
  async run({ session, containers }) {
    if (session.state !== 'ready') await session.connect();
    else await containers.refresh();
  },
};
