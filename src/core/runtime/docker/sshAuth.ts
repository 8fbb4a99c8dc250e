// Authentication both ways for ssh:// engine addresses: who we log in as (the ssh agent, else the
// first unencrypted ~/.ssh key) and whether we trust the server (its host key against known_hosts,
// as ssh checks it), plus the messages for a login that fails. Produces the ssh2 options
// docker-modem passes on. Plain Node; all file access goes through the functions passed in.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { RuntimeError } from '../errors';

/** What the ssh options are made from: the environment and the user's files (fakes in tests). */
export interface SshEnv {
  env: NodeJS.ProcessEnv;
  /** True when the caller passed no env: the real process's user may then be consulted. */
  realEnv: boolean;
  home: string;
  exists: (path: string) => boolean;
  /** Reads a file as UTF-8 text; throws when it cannot. */
  readFile: (path: string) => string;
  /** The machine-wide known_hosts ssh also reads. */
  systemKnownHosts: string;
}

/** An ssh:// address as parsed: the text (for messages), host, port and the user it names, if any. */
export interface SshAddress {
  url: string;
  host?: string;
  port?: number;
  username?: string;
}

/** What an ssh:// endpoint gets: the login user, ssh2's options and a translator for its errors. */
export interface SshSetup {
  username: string | undefined;
  /** Passed to ssh2 (agent or privateKey, algorithms, hostVerifier). */
  sshOptions: Record<string, unknown>;
  /** A failed request's error as a RuntimeError that says what to do; undefined when not recognised. */
  explainError: (err: unknown) => RuntimeError | undefined;
}

/** Identity files tried when there is no agent, in ssh's order (key types ssh2 can use). */
const IDENTITY_FILES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/** Host key algorithms ssh2 supports, per key type as known_hosts names it. */
const HOST_KEY_ALGORITHMS: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/** The ssh2 options for an ssh:// address: the agent or a key, known_hosts checking, error messages. */
export function sshSetup(address: SshAddress, r: SshEnv): SshSetup {
  const target: SshTarget = {
    url: address.url,
    host: address.host ?? '',
    port: address.port ?? 22,
    username: address.username ?? defaultUser(r),
  };
  const sshOptions: Record<string, unknown> = {};
  const keyFile = addIdentity(sshOptions, r);
  const trust = addHostKeyCheck(sshOptions, r, target.host, target.port);
  const explainError = (err: unknown) => explainSshError(err, target, sshOptions, keyFile, trust.refusal());
  return { username: target.username, sshOptions, explainError };
}

interface SshTarget {
  url: string;
  host: string;
  port: number;
  username: string | undefined;
}

/** Logs in with the ssh agent (SSH_AUTH_SOCK) when it is there, else with the first usable key; its file, if one. */
function addIdentity(sshOptions: Record<string, unknown>, r: SshEnv): string | undefined {
  const agent = r.env.SSH_AUTH_SOCK;
  if (agent && r.exists(agent)) {
    sshOptions.agent = agent;
    return undefined;
  }
  const key = firstUsableKey(r);
  if (!key) return undefined;
  sshOptions.privateKey = key.text;
  return key.file;
}

/**
 * Checks the server's host key against known_hosts (~/.ssh's and the machine's) at each connection;
 * `refusal` is why the last one was refused, if it was.
 */
function addHostKeyCheck(
  sshOptions: Record<string, unknown>,
  r: SshEnv,
  host: string,
  port: number,
): { refusal: () => RuntimeError | undefined } {
  const knownHostsFiles = [join(r.home, '.ssh', 'known_hosts'), r.systemKnownHosts];
  let refusal: RuntimeError | undefined;

  // Prefer the host key types known_hosts has for this host, as ssh does, so a host known by its
  // ECDSA key is not reported unknown because the server would rather show its Ed25519 one.
  const knownTypes = knownKeyTypes(readKnownHosts(knownHostsFiles, r), host, port);
  const preferred = knownTypes.flatMap((t) => HOST_KEY_ALGORITHMS[t] ?? []);
  if (preferred.length) sshOptions.algorithms = { serverHostKey: { remove: preferred, prepend: preferred } };

  sshOptions.hostVerifier = (key: Buffer): boolean => {
    // Read on every connection: a key added with ssh-keyscan counts at the next request.
    const verdict = checkKnownHosts(readKnownHosts(knownHostsFiles, r), host, port, key);
    if (verdict.status === 'match') {
      refusal = undefined;
      return true;
    }
    refusal = hostKeyRefusal(verdict, host, port, key);
    return false;
  };
  return { refusal: () => refusal };
}

/**
 * ssh2's errors (a refused host key, "All configured authentication methods failed", a handshake
 * timeout, a refused connection, an unknown host) as RuntimeErrors that say what to do.
 */
function explainSshError(
  err: unknown,
  target: SshTarget,
  sshOptions: Record<string, unknown>,
  keyFile: string | undefined,
  refusal: RuntimeError | undefined,
): RuntimeError | undefined {
  const { url, host, port, username } = target;
  const where = `${host}:${port}`;
  if (err instanceof RuntimeError && err.cause === undefined) return undefined;
  const e = (err instanceof RuntimeError ? err.cause : err) as
    { message?: string; code?: string; level?: string } | undefined;
  const message = e?.message ?? '';
  if (/Host denied/i.test(message)) {
    const r0 = refusal ?? hostKeyRefusal({ status: 'unknown', knownTypes: [] }, host, port);
    return new RuntimeError(r0.code, r0.message, r0.hint, { cause: e });
  }
  if (/authentication methods failed/i.test(message) || e?.level === 'client-authentication') {
    const how = sshOptions.agent
      ? `with the keys in the ssh agent (SSH_AUTH_SOCK); add yours with \`ssh-add\``
      : keyFile
        ? `with ${keyFile}`
        : 'no ssh agent (SSH_AUTH_SOCK) and no unencrypted ~/.ssh/id_ed25519, id_ecdsa or id_rsa';
    return new RuntimeError(
      'permission',
      `SSH login as "${username}" to ${where} was refused.`,
      `Tried ${how}. Make sure the public key is in ~${username}/.ssh/authorized_keys on ${host}` +
        `; for a key with a passphrase, load it into an ssh agent (\`ssh-add\`) that this process can reach.`,
      { cause: e },
    );
  }
  if (e?.level === 'client-timeout' || /Timed out while waiting for handshake/i.test(message)) {
    return new RuntimeError(
      'timeout',
      `The SSH server at ${where} did not answer in time.`,
      `Check that \`ssh -p ${port} ${username}@${host}\` works from this machine.`,
      { cause: e },
    );
  }
  if (e?.code === 'ECONNREFUSED' || e?.code === 'EHOSTUNREACH' || e?.code === 'ENETUNREACH') {
    return new RuntimeError(
      'unavailable',
      `No SSH server answers at ${where}.`,
      `Check the host and port of ${url}, and that sshd runs there.`,
      { cause: e },
    );
  }
  if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') {
    return new RuntimeError('unavailable', `Cannot resolve the SSH host "${host}".`, `Check the host name in ${url}.`, {
      cause: e,
    });
  }
  return undefined;
}

function defaultUser(r: SshEnv): string | undefined {
  const fromEnv = r.env.USER || r.env.LOGNAME || r.env.USERNAME;
  if (fromEnv) return fromEnv;
  if (!r.realEnv) return undefined;
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

/** The first of ~/.ssh/id_ed25519, id_ecdsa, id_rsa that exists, is readable and has no passphrase. */
function firstUsableKey(r: SshEnv): { file: string; text: string } | undefined {
  for (const name of IDENTITY_FILES) {
    const file = join(r.home, '.ssh', name);
    if (!r.exists(file)) continue;
    let text: string;
    try {
      text = r.readFile(file);
    } catch {
      continue;
    }
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text) || isEncryptedKey(text)) continue;
    return { file: `~/.ssh/${name}`, text };
  }
  return undefined;
}

/** Whether a private key file needs a passphrase (OpenSSH or PEM format). */
export function isEncryptedKey(text: string): boolean {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(text) || /Proc-Type:\s*4,ENCRYPTED/i.test(text)) return true;
  const m = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text);
  if (!m) return false;
  const blob = Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
  const magic = Buffer.from('openssh-key-v1\0', 'latin1');
  if (blob.length < magic.length + 4 || !blob.subarray(0, magic.length).equals(magic)) return false;
  const cipher = readSshString(blob, magic.length);
  return cipher !== undefined && cipher.toString('latin1') !== 'none';
}

// ---- known_hosts ----

export type HostKeyVerdict =
  | { status: 'match' }
  /** No entry for this host has the offered key; knownTypes are the key types it does have. */
  | { status: 'unknown'; knownTypes: string[] }
  /** An entry of the same key type has a different key: the host's key changed. */
  | { status: 'changed' }
  | { status: 'revoked' };

interface KnownHostsLine {
  marker?: string;
  patterns: string;
  keyType: string;
  key: Buffer;
}

function readKnownHosts(files: string[], r: SshEnv): string {
  const texts: string[] = [];
  for (const f of files) {
    if (!r.exists(f)) continue;
    try {
      texts.push(r.readFile(f));
    } catch {
      // Unreadable: as if absent (ssh does the same).
    }
  }
  return texts.join('\n');
}

function parseKnownHosts(text: string): KnownHostsLine[] {
  const lines: KnownHostsLine[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: string | undefined;
    if (fields[0].startsWith('@')) marker = fields.shift()!.toLowerCase();
    if (fields.length < 3) continue;
    const [patterns, keyType, b64] = fields;
    if (!/^[A-Za-z0-9+/]+=*$/.test(b64)) continue;
    lines.push({ marker, patterns, keyType, key: Buffer.from(b64, 'base64') });
  }
  return lines;
}

/** The names ssh looks a host up by: `host` on port 22, `[host]:port` otherwise. */
function lookupNames(host: string, port: number): string[] {
  const h = host.toLowerCase();
  return port === 22 ? [h, `[${h}]:22`] : [`[${h}]:${port}`];
}

function globMatch(pattern: string, name: string): boolean {
  let re = '^';
  for (const ch of pattern) re += ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  return new RegExp(`${re}$`).test(name);
}

function hashedMatch(entry: string, name: string): boolean {
  // |1|base64(salt)|base64(HMAC-SHA1(salt, name))
  const parts = entry.split('|');
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2], 'base64');
  const want = Buffer.from(parts[3], 'base64');
  const got = createHmac('sha1', salt).update(name).digest();
  return want.length === got.length && timingSafeEqual(want, got);
}

/** Whether a known_hosts host field (comma list, wildcards, `!` negation, or one hashed name) covers a name. */
function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|')) return hashedMatch(field, name);
  let matched = false;
  for (const p of field.split(',')) {
    if (!p) continue;
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1).toLowerCase(), name)) return false;
    } else if (globMatch(p.toLowerCase(), name)) {
      matched = true;
    }
  }
  return matched;
}

function linesFor(text: string, host: string, port: number): KnownHostsLine[] {
  const names = lookupNames(host, port);
  return parseKnownHosts(text).filter((l) => names.some((n) => hostFieldMatches(l.patterns, n)));
}

function knownKeyTypes(text: string, host: string, port: number): string[] {
  const types: string[] = [];
  for (const l of linesFor(text, host, port)) {
    if (!l.marker && !types.includes(l.keyType)) types.push(l.keyType);
  }
  return types;
}

/** Checks a server's host key (the SSH wire-format blob ssh2 hands to hostVerifier) against known_hosts text. */
export function checkKnownHosts(text: string, host: string, port: number, key: Buffer): HostKeyVerdict {
  const lines = linesFor(text, host, port);
  if (lines.some((l) => l.marker === '@revoked' && l.key.equals(key))) return { status: 'revoked' };
  const plain = lines.filter((l) => !l.marker);
  if (plain.some((l) => l.key.equals(key))) return { status: 'match' };
  const type = keyTypeOf(key);
  if (type && plain.some((l) => keyTypeOf(l.key) === type)) return { status: 'changed' };
  return { status: 'unknown', knownTypes: [...new Set(plain.map((l) => l.keyType))] };
}

/** `SHA256:…` as ssh prints a key's fingerprint. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

function hostKeyRefusal(
  verdict: Exclude<HostKeyVerdict, { status: 'match' }>,
  host: string,
  port: number,
  key?: Buffer,
): RuntimeError {
  const where = port === 22 ? host : `[${host}]:${port}`;
  const offered = key ? ` (${keyTypeOf(key) ?? 'unknown type'} key ${fingerprint(key)})` : '';
  const keyscan = `ssh-keyscan -p ${port} ${host} >> ~/.ssh/known_hosts`;
  switch (verdict.status) {
    case 'revoked':
      return new RuntimeError(
        'permission',
        `The SSH host key of ${where}${offered} is marked @revoked in known_hosts; not connecting.`,
        "Ask the host's administrator for its current key.",
      );
    case 'changed':
      return new RuntimeError(
        'permission',
        `The SSH host key of ${where} has changed${offered}: it is not the one in known_hosts. ` +
          'The host may have been reinstalled, or someone may be intercepting the connection.',
        `If you know why it changed, remove the old key with \`ssh-keygen -R '${where}'\`, ` +
          `check the new one, then run \`${keyscan}\`.`,
      );
    case 'unknown': {
      const only = verdict.knownTypes.length
        ? ` (known_hosts has only ${verdict.knownTypes.join(', ')} keys for it)`
        : '';
      return new RuntimeError(
        'permission',
        `The SSH host ${where} is not known${only}; its key${offered} is not in ~/.ssh/known_hosts.`,
        `If that is the host's key, trust it: \`${keyscan}\` (or connect once with \`ssh -p ${port} ${host}\`).`,
      );
    }
  }
}

function readSshString(buf: Buffer, offset: number): Buffer | undefined {
  if (buf.length < offset + 4) return undefined;
  const len = buf.readUInt32BE(offset);
  if (buf.length < offset + 4 + len) return undefined;
  return buf.subarray(offset + 4, offset + 4 + len);
}

/** The key type an SSH public key blob starts with (ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, …). */
function keyTypeOf(blob: Buffer): string | undefined {
  return readSshString(blob, 0)?.toString('latin1');
}
