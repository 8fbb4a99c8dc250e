/**
 * What a workspace container borrows from this machine while VS Code or cws serves it: the git
 * identity, git credentials (HTTPS), the SSH agent and the GPG agent. Plain Node: no `vscode`.
 */

export type ForwardItem = 'gitIdentity' | 'gitCredentials' | 'sshAgent' | 'gpg';

export const FORWARD_ITEMS: readonly ForwardItem[] = ['gitIdentity', 'gitCredentials', 'sshAgent', 'gpg'];

/** Each item on or off (settings, `cws create --forward`). */
export type ForwardChoice = Readonly<Record<ForwardItem, boolean>>;

export const ALL_FORWARDED: ForwardChoice = { gitIdentity: true, gitCredentials: true, sshAgent: true, gpg: true };
export const NONE_FORWARDED: ForwardChoice = { gitIdentity: false, gitCredentials: false, sshAgent: false, gpg: false };

/** In words, for tooltips and progress ("git identity, SSH agent"). */
export const FORWARD_WORDS: Readonly<Record<ForwardItem, string>> = {
  gitIdentity: 'git identity',
  gitCredentials: 'git credentials',
  sshAgent: 'SSH agent',
  gpg: 'GPG signing',
};

/** Where the forwarding folder is mounted in the container (read-only). */
export const FORWARD_MOUNT = '/run/container-workspaces';

/** What a container was set up with at create (kept on its label). */
export interface ForwardState {
  /** The forwarding folder on this machine (sockets, the git include file, public keys). */
  dir: string;
  /** What it was given at create; serving offers no more than this. */
  items: ForwardItem[];
}

/** The files and sockets in the forwarding folder, by name. */
export const FORWARD_FILES = {
  gitInclude: 'gitconfig',
  gitHelper: 'git-credential',
  gitSocket: 'git.sock',
  sshSocket: 'ssh-agent.sock',
  gpgSocket: 'gpg-agent.sock',
  gpgKeys: 'pubkeys.asc',
  /** The token the container's helper sends (host side only; 0600). */
  token: '.token',
} as const;

export function forwardWords(items: readonly ForwardItem[]): string {
  return items.map((i) => FORWARD_WORDS[i]).join(', ');
}

/** The items a container's forwarding label names (for a tooltip; nothing for a label we did not write). */
export function forwardedItems(label: string | undefined): ForwardItem[] {
  if (!label) return [];
  try {
    const v = JSON.parse(label) as { items?: unknown };
    return Array.isArray(v.items) ? FORWARD_ITEMS.filter((i) => (v.items as unknown[]).includes(i)) : [];
  } catch {
    return [];
  }
}
