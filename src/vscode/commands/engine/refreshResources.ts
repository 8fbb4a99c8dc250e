import type { Command } from '../types';

/** Re-reads the Images, Volumes and Networks views that are shown (a hidden one reads nothing). */
export const refreshResources: Command = {
  id: 'containerWorkspaces.refreshResources',
  async run({ session, images, volumes, networks }) {
    if (session.state !== 'ready') return session.connect();
    await Promise.all([images, volumes, networks].map((t) => t.refresh()));
  },
};
