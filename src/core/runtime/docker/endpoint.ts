// Where the engine is: a Docker/Podman address (setting, DOCKER_HOST, docker context, default
// sockets) parsed into what dockerode's modem takes, with its TLS material. ssh:// addresses get
// their login and host key checking from sshAuth.ts.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { readBoundedSync } from '../../io/readBounded';
import { escapeControl } from '../../text/escapeControl';
import { RuntimeError } from '../errors';
import {
  envTls,
  loadContext,
  selectedContext,
  type ConfigFiles,
  type ContextChoice,
  type TlsFiles,
} from './dockerContext';
import { sshSetup, type SshEnv } from './sshAuth';

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
  /**
   * https without checking the engine's certificate: only for a host the user named in
   * `containerWorkspaces.docker.insecureHosts`, or a docker context created with SkipTLSVerify
   * (a context is one host).
   */
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
  /**
   * `host:port` entries (the `containerWorkspaces.docker.insecureHosts` setting) whose TLS
   * certificate is not checked. Nothing else turns verification off for an address given directly.
   */
  insecureHosts?: readonly string[];
}

/** Config and context files larger than this are refused (the docker CLI's are a few KiB). */
const MAX_CONFIG_BYTES = 1024 * 1024;

/** A value from outside (an address, a context name) as it may appear in a message. */
export function shown(s: string): string {
  return escapeControl(s, { maxLength: 80 });
}

/**
 * Reads a config or context file bounded (readBounded.ts): a FIFO, a directory or a huge file is
 * refused without blocking. Throws as fs does (code ENOENT, EACCES…), or with code ENOTFILE /
 * ETOOLARGE and a message that says what the file is.
 */
export function readConfigFile(path: string): string {
  const r = readBoundedSync(path, { maxBytes: MAX_CONFIG_BYTES });
  if (r.ok) return r.text;
  const code =
    r.reason === 'missing'
      ? 'ENOENT'
      : r.reason === 'notFile'
        ? 'ENOTFILE'
        : r.reason === 'tooLarge'
          ? 'ETOOLARGE'
          : r.reason === 'tooManyOpen'
            ? 'EMFILE'
            : /EACCES|EPERM/.test(r.detail)
              ? 'EACCES'
              : 'EIO';
  const what =
    r.reason === 'notFile'
      ? `is not a regular file (${r.detail})`
      : r.reason === 'tooLarge'
        ? `is larger than ${MAX_CONFIG_BYTES / 1024} KiB`
        : r.detail;
  throw Object.assign(new Error(what), { code });
}

/** Parses a DOCKER_HOST-style address. */
export function parseHost(url: string): DockerEndpoint {
  const m = /^([a-z]+):\/\/(.*)$/i.exec(url.trim());
  const notAnAddress = (why = '') =>
    new RuntimeError(
      'invalidArgument',
      `Not an engine address: "${shown(url)}"${why}.`,
      'Use unix:///path, npipe:////./pipe/name, tcp://host:port or ssh://user@host.',
    );
  if (!m) throw notAnAddress();
  const scheme = m[1].toLowerCase();
  const rest = m[2];
  // Control characters are in no socket path or host name a user means (spaces are: macOS's
  // "Application Support"); URL below refuses spaces in host names.
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  if (/[\u0000-\u001f\u007f-\u009f]/.test(rest)) throw notAnAddress(' (it holds control characters)');
  if (scheme === 'unix') {
    if (!rest) throw notAnAddress(' (no socket path)');
    return { url, socketPath: rest };
  }
  if (scheme === 'npipe') {
    if (!rest) throw notAnAddress(' (no pipe name)');
    return { url, socketPath: rest.replace(/\//g, '\\') };
  }
  if (!['tcp', 'http', 'https', 'ssh'].includes(scheme)) {
    throw new RuntimeError(
      'invalidArgument',
      `Unsupported engine address scheme "${shown(scheme)}://" in "${shown(url)}".`,
      'Use unix://, npipe://, tcp:// or ssh://.',
    );
  }
  let u: URL;
  try {
    u = new URL(`${scheme === 'ssh' ? 'ssh' : 'http'}://${rest}`);
  } catch {
    throw notAnAddress();
  }
  // URL drops a scheme's default port (http://h:80), so read the port from the text.
  const explicitPort = portOf(rest);
  if (explicitPort === 0) throw notAnAddress(' (port 0)');
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw notAnAddress(' (no host)');
  // DNS limits: 253 characters, 63 per label (an IPv6 address has no dots and is short anyway).
  if (host.length > 253 || host.split('.').some((l) => l.length > 63))
    throw notAnAddress(' (the host name is too long)');
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
  throw notAnAddress();
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

interface Resolved extends ConfigFiles, SshEnv {
  platform: NodeJS.Platform;
}

function resolveEnv(o: EndpointEnv): Resolved {
  return {
    env: o.env ?? process.env,
    realEnv: o.env === undefined,
    platform: o.platform ?? process.platform,
    home: o.home ?? homedir(),
    exists: o.exists ?? existsSync,
    readFile: o.readFile ?? readConfigFile,
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
    ep = choice && choice.name !== 'default' ? contextEndpoint(r, choice) : defaultDockerSocket(r);
  }
  if (ep.protocol === 'ssh') ep = { ...ep, ...sshSetup(ep, r) };
  if (ep.protocol === 'https' && ep.host !== undefined && isInsecureHost(ep.host, ep.port, o.insecureHosts))
    ep = { ...ep, skipTLSVerify: true };
  return redacted(ep);
}

/**
 * Whether host:port is one of the user's insecure hosts. Entries are `host:port` (`[v6]:port` for
 * IPv6 addresses); an entry without a port matches no address, so one entry never covers a whole
 * machine's ports by accident.
 */
export function isInsecureHost(host: string, port: number | undefined, entries: readonly string[] = []): boolean {
  const want = `${host.includes(':') ? `[${host}]` : host}:${port ?? ''}`.toLowerCase();
  return entries.some((e) => typeof e === 'string' && e.trim().toLowerCase() === want);
}

/** A docker context's endpoint, with the TLS files from the context store. */
function contextEndpoint(r: Resolved, choice: ContextChoice): DockerEndpoint {
  const ctx = loadContext(r, choice);
  let parsed: DockerEndpoint;
  try {
    parsed = parseHost(ctx.host);
  } catch (err) {
    throw new RuntimeError(
      'invalidArgument',
      `Docker context "${shown(ctx.name)}" has an engine address that is not one (${ctx.metaPath}).`,
      'Check it with `docker context inspect`, or run `docker context use default`.',
      { cause: err },
    );
  }
  const ep: DockerEndpoint = { ...parsed, source: `context "${shown(ctx.name)}"` };
  if (ep.protocol === 'http' || ep.protocol === 'https') {
    const hasTls = ctx.tls.ca !== undefined || ctx.tls.cert !== undefined || ctx.tls.key !== undefined;
    if (hasTls || ctx.skipTLSVerify) return withTls(ep, ctx.tls, ctx.skipTLSVerify);
  }
  return ep;
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

/**
 * DOCKER_TLS_VERIFY / DOCKER_TLS apply to tcp:// (and http(s)://) addresses given directly. Both
 * verify the engine's certificate (DOCKER_TLS alone against the system's CAs, or ca.pem when there
 * is one): unlike the docker CLI, DOCKER_TLS is not a way to turn verification off for every host;
 * `containerWorkspaces.docker.insecureHosts` does that for the hosts it names.
 */
function withEnvTls(ep: DockerEndpoint, r: Resolved): DockerEndpoint {
  if (ep.protocol !== 'http' && ep.protocol !== 'https') return ep;
  const tls = envTls(r);
  return tls ? withTls(ep, tls, false) : ep;
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
