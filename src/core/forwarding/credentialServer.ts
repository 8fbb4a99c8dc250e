/**
 * The host end of the container's git credential helper: on the forwarding folder's git.sock, it
 * takes git's credential-cache requests (with the container's token), answers `get` from this
 * machine's own `git credential fill` and passes `store` / `erase` to `approve` / `reject`. Secrets
 * pass through memory only; the log gets the action, the remote's protocol and host, and the outcome.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import {
  credentialAnswer,
  credentialInput,
  MAX_REQUEST_BYTES,
  parseCredentialRequest,
  remoteOf,
  type CredentialAction,
} from './credentialProtocol';
import { runHost } from './hostRun';

export interface CredentialServerOptions {
  token: string;
  /** This machine's environment for git (HOME, its helpers' variables). */
  env?: NodeJS.ProcessEnv;
  /** Where git runs (the workspace folder: its repository's helper settings count). */
  cwd?: string;
  /** How long this machine's helper may take (a prompt may be up; default 120 s). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

const GIT_VERB: Record<CredentialAction, string> = { get: 'fill', store: 'approve', erase: 'reject' };

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Handles one connection: one request (the client half-closes after it), one answer. */
export function credentialConnection(o: CredentialServerOptions): (s: Socket) => void {
  return (s) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const idle = setTimeout(() => s.destroy(), 10_000);
    s.on('data', (b: Buffer) => {
      size += b.length;
      if (size > MAX_REQUEST_BYTES) {
        o.log?.('git credential request refused: too large');
        s.destroy();
      } else chunks.push(b);
    });
    s.on('close', () => clearTimeout(idle));
    s.on('end', () => {
      clearTimeout(idle);
      void answer(Buffer.concat(chunks).toString('utf8'), o).then(
        (text) => s.end(text),
        () => s.end(),
      );
    });
  };
}

async function answer(text: string, o: CredentialServerOptions): Promise<string> {
  const r = parseCredentialRequest(text);
  if ('refused' in r) {
    o.log?.(`git credential request refused: ${r.refused}`);
    return '';
  }
  if (!sameToken(r.token, o.token)) {
    o.log?.('git credential request refused: wrong token');
    return '';
  }
  const res = await runHost('git', ['credential', GIT_VERB[r.action]], {
    input: credentialInput(r),
    env: { ...(o.env ?? process.env), GIT_TERMINAL_PROMPT: '0' },
    ...(o.cwd ? { cwd: o.cwd } : {}),
    timeoutMs: o.timeoutMs ?? 120_000,
    maxOutput: MAX_REQUEST_BYTES,
  });
  const where = remoteOf(r);
  if (r.action !== 'get') {
    o.log?.(`git credential ${r.action} for ${where}: ${res.code === 0 ? 'passed to this machine' : 'failed'}`);
    return '';
  }
  const out = res.code === 0 ? credentialAnswer(res.stdout) : '';
  o.log?.(
    `git credential get for ${where}: ${out ? 'answered' : res.error ? `not answered (${res.error})` : 'none here'}`,
  );
  return out;
}
