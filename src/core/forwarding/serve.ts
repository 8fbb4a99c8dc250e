/**
 * Serving a container's forwarding folder from this process (the extension host, or cws for as
 * long as it runs): the git include file written from this machine's config as it is now, and the
 * sockets of the items both given at create and on now — git credentials, the SSH agent, the GPG
 * agent. One server per folder per process; a folder another process serves is left to it.
 */
import type { Server } from 'node:net';
import { join } from 'node:path';
import { credentialConnection } from './credentialServer';
import { ensureForwardDir, writeAtomic } from './forwardDir';
import { renderGitInclude, readHostGitConfig } from './gitConfig';
import { hostGpg, sshAgentSocket } from './hostAgents';
import { closeSocket, listenSocket } from './listen';
import { relayConnection } from './socketRelay';
import { FORWARD_FILES, type ForwardChoice, type ForwardItem, type ForwardState } from './types';

export interface ServeOptions {
  /** What is on now (settings); no more than the container was given is served. */
  choice: ForwardChoice;
  /** Where the container's workspace folder is (safe.directory). */
  workspaceFolder: string;
  /** The folder on this machine (git's settings are read as in it). */
  folder?: string;
  /** This machine's environment (HOME, SSH_AUTH_SOCK, GNUPGHOME); never logged. */
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface Served {
  /** What is served now. */
  items: ForwardItem[];
  /** The container's token (for configureContainer). */
  token: string;
  /** Whether the token is new (the container's helper must be told again). */
  tokenRenewed: boolean;
  /** One line per thing this machine lacks (no agent, no identity), for the user. */
  notes: string[];
  /** Served by another process already. */
  elsewhere: ForwardItem[];
}

interface Entry {
  servers: { item: ForwardItem; server: Server }[];
}

export class ForwardServers {
  private readonly byDir = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<Served>>();

  /** Folders served now. */
  get dirs(): string[] {
    return [...this.byDir.keys()];
  }

  /** Serves (or serves again, with today's settings and config) the container's folder. */
  serve(state: ForwardState, o: ServeOptions): Promise<Served> {
    // One at a time per folder: a create's serve and a shell's attach may come together.
    const before = this.pending.get(state.dir) ?? Promise.resolve(undefined);
    const next = before.catch(() => undefined).then(() => this.serveNow(state, o));
    this.pending.set(state.dir, next);
    void next
      .finally(() => this.pending.get(state.dir) === next && this.pending.delete(state.dir))
      .catch(() => undefined);
    return next;
  }

  private async serveNow(state: ForwardState, o: ServeOptions): Promise<Served> {
    const env = o.env ?? process.env;
    const on = state.items.filter((i) => o.choice[i]);
    const { token, renewed } = await ensureForwardDir(state.dir);
    const notes: string[] = [];
    const host = await readHostGitConfig(o.folder, { env, signing: on.includes('gpg') });
    if (on.includes('gitIdentity') && host.note) notes.push(host.note);
    else if (on.includes('gitIdentity') && !host.hasIdentity)
      notes.push("this machine's git has no user.name and user.email: commits in the container need them");
    const identity = on.includes('gitIdentity');
    await writeAtomic(
      join(state.dir, FORWARD_FILES.gitInclude),
      renderGitInclude(identity ? host.entries : [], identity ? [o.workspaceFolder] : []),
      0o644,
    );
    await this.stop(state.dir);
    const servers: Entry['servers'] = [];
    const elsewhere: ForwardItem[] = [];
    const listen = async (item: ForwardItem, file: string, handler: Parameters<typeof listenSocket>[1]) => {
      const r = await listenSocket(join(state.dir, file), handler);
      if ('server' in r) servers.push({ item, server: r.server });
      else if ('busy' in r) elsewhere.push(item);
      else notes.push(`${file} could not be served (${r.failed})`);
    };
    if (on.includes('gitCredentials'))
      await listen(
        'gitCredentials',
        FORWARD_FILES.gitSocket,
        credentialConnection({ token, env, ...(o.folder ? { cwd: o.folder } : {}), log: o.log }),
      );
    if (on.includes('sshAgent')) {
      const agent = sshAgentSocket(env);
      if (agent.note) notes.push(agent.note);
      else
        await listen(
          'sshAgent',
          FORWARD_FILES.sshSocket,
          relayConnection(() => sshAgentSocket(env).path, o.log),
        );
    }
    if (on.includes('gpg')) {
      const signingKey = host.entries.find(([k]) => k.toLowerCase() === 'user.signingkey')?.[1];
      const g = await hostGpg(env, signingKey);
      if (g.note) notes.push(g.note);
      if (g.extraSocket && g.publicKeys) {
        await writeAtomic(join(state.dir, FORWARD_FILES.gpgKeys), g.publicKeys, 0o644);
        const socket = g.extraSocket;
        await listen(
          'gpg',
          FORWARD_FILES.gpgSocket,
          relayConnection(() => socket, o.log),
        );
      }
    }
    if (servers.length) this.byDir.set(state.dir, { servers });
    return { items: servers.map((s) => s.item), token, tokenRenewed: renewed, notes, elsewhere };
  }

  /** Stops serving a folder (its sockets go; its files stay). */
  async stop(dir: string): Promise<void> {
    const e = this.byDir.get(dir);
    if (!e) return;
    this.byDir.delete(dir);
    await Promise.all(e.servers.map((s) => closeSocket(s.server)));
  }

  /** Stops everything (deactivate, cws exit). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.byDir.keys()].map((d) => this.stop(d)));
  }
}
