import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { RuntimeError } from '../errors';
import { envTls, loadContext, selectedContext, type ConfigFiles, type TlsFiles } from './dockerContext';

/** Where a Docker-API engine listens, in the form dockerode's modem takes. */
export interface DockerEndpoint {
  /** As a user would write it: unix:///var/run/docker.sock, tcp://host:2375, ssh://user@host. */
  url: string;
  socketPath?: string;
  protocol?: 'http' | 'https' | 'ssh';
  host?: string;
  port?: number;
  username?: string;
  /** TLS material (PEM text) for https endpoints. */
  ca?: string;
  cert?: string;
  key?: string;
  /** https without checking the engine's certificate (DOCKER_TLS without DOCKER_TLS_VERIFY, a context's SkipTLSVerify). */
  skipTLSVerify?: boolean;
  /** Passed to ssh2 for ssh:// endpoints (agent, privateKey, hostVerifier, …). */
  sshOptions?: Record<string, unknown>;
  /** Where the address came from, for messages: "setting", "DOCKER_HOST", "context \"colima\"", "default socket". */
  source?: string;
  /**
   * For ssh:// endpoints: turns a failed request's error (ssh2's "Host denied", "All configured
   * authentication methods failed", a refused connection, …) into a RuntimeError that says what to
   * do; undefined for errors it does not recognise.
   */
  explainError?: (err: unknown) => RuntimeError | undefined;
}

export interface EndpointEnv {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
  exists?: (path: string) => boolean;
  /** Reads a file as UTF-8 text (default fs.readFileSync); throws when it cannot. */
  readFile?: (path: string) => string;
  /** The machine-wide known_hosts ssh also reads (default /etc/ssh/ssh_known_hosts). */
  systemKnownHosts?: string;
}

/** Parses a DOCKER_HOST-style address. */
export function parseHost(url: string): DockerEndpoint {
  const m = /^([a-z]+):\/\/(.*)$/i.exec(url.trim());
  if (!m)
    throw new RuntimeError(
      'invalidArgument',
      `Not an engine address: "${url}".`,
      'Use unix:///path, npipe:////./pipe/name, tcp://host:port or ssh://user@host.',
    );
  const scheme = m[1].toLowerCase();
  const rest = m[2];
  if (scheme === 'unix') return { url, socketPath: rest };
  if (scheme === 'npipe') return { url, socketPath: rest.replace(/\//g, '\\') };
  let u: URL;
  try {
    u = new URL(`${scheme === 'ssh' ? 'ssh' : 'http'}://${rest}`);
  } catch {
    throw new RuntimeError(
      'invalidArgument',
      `Not an engine address: "${url}".`,
      'Use unix:///path, npipe:////./pipe/name, tcp://host:port or ssh://user@host.',
    );
  }
  // URL drops a scheme's default port (http://h:80), so read the port from the text.
  const explicitPort = portOf(rest);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (scheme === 'tcp' || scheme === 'http' || scheme === 'https') {
    const tls = scheme === 'https';
    return { url, protocol: tls ? 'https' : 'http', host, port: explicitPort ?? (tls ? 2376 : 2375) };
  }
  if (scheme === 'ssh') {
    return {
      url,
      protocol: 'ssh',
      host,
      port: explicitPort ?? 22,
      username: u.username ? decodeURIComponent(u.username) : undefined,
    };
  }
  throw new RuntimeError(
    'invalidArgument',
    `Unsupported engine address scheme "${scheme}://".`,
    'Use unix://, npipe://, tcp:// or ssh://.',
  );
}

/** The port written in an address's authority (after any user@), if there is one. */
function portOf(rest: string): number | undefined {
  const authority = rest.split(/[/?#]/, 1)[0].replace(/^.*@/, '');
  const m = /:(\d+)$/.exec(authority);
  return m ? Number(m[1]) : undefined;
}

function firstExisting(paths: string[], exists: (p: string) => boolean): string | undefined {
  return paths.find((p) => exists(p));
}

interface Resolved extends ConfigFiles {
  platform: NodeJS.Platform;
  /** True when the caller passed no env: the real process's user may then be consulted. */
  realEnv: boolean;
  systemKnownHosts: string;
}

function resolveEnv(o: EndpointEnv): Resolved {
  return {
    env: o.env ?? process.env,
    realEnv: o.env === undefined,
    platform: o.platform ?? process.platform,
    home: o.home ?? homedir(),
    exists: o.exists ?? existsSync,
    readFile: o.readFile ?? ((p) => readFileSync(p, 'utf8')),
    systemKnownHosts: o.systemKnownHosts ?? '/etc/ssh/ssh_known_hosts',
  };
}

/**
 * Docker's endpoint, chosen as the docker CLI chooses it: the explicit setting (like `-H`) >
 * DOCKER_HOST > DOCKER_CONTEXT > `currentContext` in config.json > the usual local sockets. The
 * context "default" means no context. TLS comes from DOCKER_TLS_VERIFY / DOCKER_CERT_PATH for an
 * address given directly, from the context's store for a context; ssh:// addresses get ssh2 options
 * (agent or key, known_hosts checking).
 */
export function resolveDockerEndpoint(explicit: string | undefined, o: EndpointEnv = {}): DockerEndpoint {
  const r = resolveEnv(o);
  let ep: DockerEndpoint;
  if (explicit) {
    ep = withEnvTls({ ...parseHost(explicit), source: 'setting' }, r);
  } else if (r.env.DOCKER_HOST) {
    ep = withEnvTls({ ...parseHost(r.env.DOCKER_HOST), source: 'DOCKER_HOST' }, r);
  } else {
    const choice = selectedContext(r);
    if (choice && choice.name !== 'default') {
      const ctx = loadContext(r, choice);
      let parsed: DockerEndpoint;
      try {
        parsed = parseHost(ctx.host);
      } catch (err) {
        throw new RuntimeError(
          'invalidArgument',
          `Docker context "${ctx.name}" has an engine address that is not one (${ctx.metaPath}).`,
          'Check it with `docker context inspect`, or run `docker context use default`.',
          { cause: err },
        );
      }
      ep = { ...parsed, source: `context "${ctx.name}"` };
      if (ep.protocol === 'http' || ep.protocol === 'https') {
        const hasTls = ctx.tls.ca !== undefined || ctx.tls.cert !== undefined || ctx.tls.key !== undefined;
        if (hasTls || ctx.skipTLSVerify) ep = withTls(ep, ctx.tls, ctx.skipTLSVerify);
      }
    } else {
      ep = defaultDockerSocket(r);
    }
  }
  if (ep.protocol === 'ssh') ep = withSsh(ep, r);
  return redacted(ep);
}

/**
 * Keeps private keys out of logs: JSON.stringify and util.inspect (console.log) of the endpoint show
 * "<redacted>" for them. Non-enumerable, so spreading the endpoint or Object.assign of its
 * sshOptions (as docker-modem does) still passes the real values on.
 */
function redacted(ep: DockerEndpoint): DockerEndpoint {
  if (ep.key === undefined && ep.sshOptions?.privateKey === undefined) return ep;
  const safe = () => ({
    ...ep,
    ...(ep.key !== undefined ? { key: '<redacted>' } : {}),
    ...(ep.sshOptions
      ? {
          sshOptions: {
            ...ep.sshOptions,
            ...(ep.sshOptions.privateKey !== undefined ? { privateKey: '<redacted>' } : {}),
          },
        }
      : {}),
  });
  const hide = (target: object, view: () => unknown) => {
    Object.defineProperty(target, 'toJSON', { value: view, enumerable: false });
    Object.defineProperty(target, inspect.custom, {
      value: (_depth: number, opts: object) => inspect(view(), opts),
      enumerable: false,
    });
  };
  hide(ep, safe);
  if (ep.sshOptions) hide(ep.sshOptions, () => safe().sshOptions);
  return ep;
}

function defaultDockerSocket(r: Resolved): DockerEndpoint {
  if (r.platform === 'win32') return { ...parseHost('npipe:////./pipe/docker_engine'), source: 'default socket' };
  const candidates = [
    '/var/run/docker.sock',
    join(r.home, '.docker/run/docker.sock'),
    join(r.home, '.colima/default/docker.sock'),
    join(r.home, '.colima/docker.sock'),
    join(r.home, '.rd/docker.sock'),
  ];
  const found = firstExisting(candidates, r.exists) ?? candidates[0];
  return { url: `unix://${found}`, socketPath: found, source: 'default socket' };
}

/** DOCKER_TLS_VERIFY / DOCKER_TLS apply to tcp:// (and http(s)://) addresses given directly. */
function withEnvTls(ep: DockerEndpoint, r: Resolved): DockerEndpoint {
  if (ep.protocol !== 'http' && ep.protocol !== 'https') return ep;
  const tls = envTls(r);
  return tls ? withTls(ep, tls, !tls.verify) : ep;
}

function withTls(ep: DockerEndpoint, tls: TlsFiles, skipVerify: boolean): DockerEndpoint {
  const out: DockerEndpoint = { ...ep, protocol: 'https' };
  // The docker CLI's default TLS port; an address that names its port keeps it.
  if (ep.protocol === 'http' && portOf(ep.url.replace(/^[a-z]+:\/\//i, '')) === undefined) out.port = 2376;
  if (tls.ca !== undefined) out.ca = tls.ca;
  if (tls.cert !== undefined) out.cert = tls.cert;
  if (tls.key !== undefined) out.key = tls.key;
  if (skipVerify) out.skipTLSVerify = true;
  return out;
}

/** Podman's Docker-compatible socket: explicit > rootless > rootful > a Podman machine's. */
export function resolvePodmanEndpoint(explicit: string | undefined, o: EndpointEnv = {}): DockerEndpoint {
  const env = o.env ?? process.env;
  const platform = o.platform ?? process.platform;
  const home = o.home ?? homedir();
  const exists = o.exists ?? existsSync;
  if (explicit) return { ...parseHost(explicit), source: 'setting' };
  if (platform === 'win32')
    return { ...parseHost('npipe:////./pipe/podman-machine-default'), source: 'default socket' };
  const candidates: string[] = [];
  if (env.XDG_RUNTIME_DIR) candidates.push(join(env.XDG_RUNTIME_DIR, 'podman/podman.sock'));
  candidates.push('/run/podman/podman.sock');
  if (platform === 'darwin') {
    candidates.push(join(home, '.local/share/containers/podman/machine/podman.sock'));
    candidates.push(join(home, '.local/share/containers/podman/machine/podman-machine-default/podman.sock'));
  }
  const found = firstExisting(candidates, exists) ?? candidates[0];
  return { url: `unix://${found}`, socketPath: found, source: 'default socket' };
}

// ---- ssh:// ----

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

function withSsh(ep: DockerEndpoint, r: Resolved): DockerEndpoint {
  const host = ep.host ?? '';
  const port = ep.port ?? 22;
  const username = ep.username ?? defaultUser(r);
  const knownHostsFiles = [join(r.home, '.ssh', 'known_hosts'), r.systemKnownHosts];
  const where = `${host}:${port}`;
  let refusal: RuntimeError | undefined;

  const sshOptions: Record<string, unknown> = {};
  const agent = r.env.SSH_AUTH_SOCK;
  let keyFile: string | undefined;
  if (agent && r.exists(agent)) {
    sshOptions.agent = agent;
  } else {
    const key = firstUsableKey(r);
    if (key) {
      sshOptions.privateKey = key.text;
      keyFile = key.file;
    }
  }

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

  const explainError = (err: unknown): RuntimeError | undefined => {
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
        `Check the host and port of ${ep.url}, and that sshd runs there.`,
        { cause: e },
      );
    }
    if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') {
      return new RuntimeError(
        'unavailable',
        `Cannot resolve the SSH host "${host}".`,
        `Check the host name in ${ep.url}.`,
        { cause: e },
      );
    }
    return undefined;
  };

  return { ...ep, username, sshOptions, explainError };
}

function defaultUser(r: Resolved): string | undefined {
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
function firstUsableKey(r: Resolved): { file: string; text: string } | undefined {
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

function readKnownHosts(files: string[], r: Resolved): string {
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
        `The SSH host key of ${where} has changed${offered}: it is not the one in known_hosts. The host may have been reinstalled, or someone may be intercepting the connection.`,
        `If you know why it changed, remove the old key with \`ssh-keygen -R '${where}'\`, check the new one, then run \`${keyscan}\`.`,
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
