import { LABELS } from '../runtime/labels';

/** One repository's address however it was typed: trimmed, no trailing slash, no ".git". */
export function normalRepoUrl(url: string): string {
  return url
    .trim()
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '');
}

/** A repository's address as a row or a tooltip shows it: no scheme, no user name, no ".git". */
export function shortRepoAddress(url: string): string {
  return normalRepoUrl(
    url
      .trim()
      .replace(/^[a-z]+:\/\//i, '')
      .replace(/^[^/@]*@/, ''),
  );
}

/** The names we give repository volumes ("cws-repo-<name>-<hash>"). */
export const REPO_VOLUME_NAME = /^cws-repo-[a-z0-9][a-z0-9._-]*$/;

/**
 * The repository volume a workspace container's removal may delete: the one its label names, only
 * when the container mounts that very volume (a label alone is anyone's to write) and is no clone
 * helper, and only a name of ours.
 */
export function repoVolumeOf(c: {
  labels: Record<string, string>;
  mounts?: readonly { type: string; source?: string }[];
}): string | undefined {
  const name = c.labels[LABELS.repoVolume];
  if (!name || !REPO_VOLUME_NAME.test(name) || c.labels['dev.containerworkspaces.helper']) return undefined;
  return c.mounts?.some((m) => m.type === 'volume' && m.source === name) ? name : undefined;
}
