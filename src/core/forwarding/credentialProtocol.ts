/**
 * The requests the container's git credential helper sends and what goes back: git's own
 * credential-cache protocol (`action=`, `timeout=`, then the credential's `key=value` lines), with
 * our `cws-token=` line first among them. Pure: unit-tested without sockets.
 */

export type CredentialAction = 'get' | 'store' | 'erase';

export interface CredentialRequest {
  action: CredentialAction;
  token: string;
  /** The credential's attributes, in git's order, only the ones we pass on. */
  attributes: [string, string][];
}

/** What git sends that we pass to this machine's `git credential`; anything else is dropped. */
const PASSED_IN = new Set(['protocol', 'host', 'path', 'username', 'password', 'password_expiry_utc', 'wwwauth[]']);
/** What we pass back from `git credential fill`. */
const PASSED_OUT = new Set(['protocol', 'host', 'path', 'username', 'password', 'password_expiry_utc']);

/** Remotes we answer for: git's credentials are for HTTP(S) remotes (SSH has its agent). */
const PROTOCOLS = new Set(['https', 'http']);

/** The most a request may be (a credential is a few hundred bytes). */
export const MAX_REQUEST_BYTES = 64 * 1024;

const ACTIONS = new Set<string>(['get', 'store', 'erase']);

/** A value git could have written: no NUL, no line break, no other control character but tab. */
function cleanValue(v: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000a-\u001f\u007f]/.test(v);
}

/** The request, or why it is refused (said in the log, never with a value). */
export function parseCredentialRequest(text: string): CredentialRequest | { refused: string } {
  if (text.length > MAX_REQUEST_BYTES) return { refused: 'the request is too large' };
  let action: string | undefined;
  let token: string | undefined;
  const attributes: [string, string][] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return { refused: 'a line is not key=value' };
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (!cleanValue(value)) return { refused: `the value of "${key.slice(0, 40)}" has control characters` };
    if (key === 'action') action = value;
    else if (key === 'cws-token') token = value;
    else if (key === 'timeout') continue;
    else if (PASSED_IN.has(key)) attributes.push([key, value]);
  }
  if (!action || !ACTIONS.has(action)) return { refused: 'no known action' };
  if (!token) return { refused: 'no token' };
  const protocol = attributes.find(([k]) => k === 'protocol')?.[1];
  const host = attributes.find(([k]) => k === 'host')?.[1];
  if (!protocol || !PROTOCOLS.has(protocol))
    return { refused: `not an http(s) remote (${(protocol ?? '').slice(0, 20)})` };
  if (!host) return { refused: 'no host' };
  return { action: action as CredentialAction, token, attributes };
}

/** What this machine's `git credential fill|approve|reject` is given on stdin. */
export function credentialInput(r: CredentialRequest): string {
  const lines = r.attributes.filter(([k]) => r.action !== 'get' || k !== 'password');
  return lines.map(([k, v]) => `${k}=${v}\n`).join('') + '\n';
}

/** `git credential fill`'s answer, as sent back to the container (only the credential's lines). */
export function credentialAnswer(fillOutput: string): string {
  const out: string[] = [];
  for (const line of fillOutput.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    if (PASSED_OUT.has(key) && cleanValue(line.slice(eq + 1))) out.push(`${line}\n`);
  }
  return out.some((l) => l.startsWith('password=')) ? out.join('') : '';
}

/** The remote, for the log: protocol and host only (never a user name, path or secret). */
export function remoteOf(r: CredentialRequest): string {
  const get = (k: string) => r.attributes.find(([key]) => key === k)?.[1] ?? '';
  return `${get('protocol')}://${get('host')}`;
}
