/**
 * This machine's agents as the forwarding finds them: the SSH agent (SSH_AUTH_SOCK) and gpg-agent's
 * extra socket (the one made for remote use: it signs and decrypts, it does not export or add keys),
 * with the public keys the container's gpg needs to find the signing key. A machine without one
 * gets a one-line note, never an error.
 */
import { statSync } from 'node:fs';
import { runHost } from './hostRun';

/** The SSH agent's socket, when SSH_AUTH_SOCK names one that exists. */
export function sshAgentSocket(env: NodeJS.ProcessEnv): { path?: string; note?: string } {
  const p = env.SSH_AUTH_SOCK;
  if (!p) return { note: 'no SSH agent on this machine (SSH_AUTH_SOCK is not set)' };
  try {
    if (statSync(p).isSocket()) return { path: p };
  } catch {
    /* said below */
  }
  return { note: 'SSH_AUTH_SOCK does not name a socket on this machine (is the agent running?)' };
}

export interface HostGpg {
  extraSocket?: string;
  /** ASCII-armoured public keys of this machine's secret keys (or of user.signingkey). */
  publicKeys?: string;
  note?: string;
}

/** gpg-agent's extra socket (the agent started if need be) and the public keys to import. */
export async function hostGpg(env: NodeJS.ProcessEnv, signingKey?: string): Promise<HostGpg> {
  const o = { env, timeoutMs: 15_000 };
  const dirs = await runHost('gpgconf', ['--list-dirs', 'agent-extra-socket'], o);
  if (dirs.error === 'missing') return { note: 'gpg is not installed on this machine' };
  const extraSocket = dirs.stdout.trim().split('\n')[0];
  if (dirs.code !== 0 || !extraSocket) return { note: "gpg-agent's extra socket is not known (gpgconf failed)" };
  const secret = await runHost('gpg', ['--batch', '--with-colons', '--list-secret-keys'], o);
  const fprs: string[] = [];
  let afterSec = false;
  for (const line of secret.stdout.split('\n')) {
    const f = line.split(':');
    if (f[0] === 'sec') afterSec = true;
    else if (f[0] === 'fpr' && afterSec && f[9]) {
      fprs.push(f[9]);
      afterSec = false;
    } else if (f[0] === 'ssb') afterSec = false;
  }
  if (!fprs.length) return { note: "this machine's gpg has no secret key to sign with" };
  // The agent is started on demand; its extra socket exists once it runs.
  await runHost('gpgconf', ['--launch', 'gpg-agent'], o);
  const key = signingKey?.trim();
  const wanted = key && /^[0-9A-Za-z<>@._+ -]+$/.test(key) && !key.startsWith('-') ? [key] : fprs;
  const exp = await runHost('gpg', ['--batch', '--armor', '--export', '--', ...wanted], o);
  if (exp.code !== 0 || !exp.stdout.includes('BEGIN PGP PUBLIC KEY BLOCK'))
    return { extraSocket, note: 'the public key to sign with could not be exported from gpg' };
  return { extraSocket, publicKeys: exp.stdout };
}
