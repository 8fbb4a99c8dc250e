// Where the engine is: a Docker/Podman address (setting, DOCKER_HOST, docker context, default
// sockets) parsed into what dockerode's modem takes, with its TLS material. ssh:// addresses get
// their login and host key checking from sshAuth.ts.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
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
  /** https without checking the engine's certificate (DOCKER_TLS without DOCKER_TLS_VERIFY, or SkipTLSVerify). */
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
  const notAnAddress = () =>
    new RuntimeError(
      'invalidArgument',
      `Not an engine address: "${url}".`,
      'Use unix:///path, npipe:////./pipe/name, tcp://host:port or ssh://user@host.',
    );
  if (!m) throw notAnAddress();
  const scheme = m[1].toLowerCase();
  const rest = m[2];
  if (scheme === 'unix') return { url, socketPath: rest };
  if (scheme === 'npipe') return { url, socketPath: rest.replace(/\//g, '\\') };
  let u: URL;
  try {
    u = new URL(`${scheme === 'ssh' ? 'ssh' : 'http'}://${rest}`);
  } catch {
    throw notAnAddress();
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
    ep = choice && choice.name !== 'default' ? contextEndpoint(r, choice) : defaultDockerSocket(r);
  }
  if (ep.protocol === 'ssh') ep = { ...ep, ...sshSetup(ep, r) };
  return redacted(ep);
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
      `Docker context "${ctx.name}" has an engine address that is not one (${ctx.metaPath}).`,
      'Check it with `docker context inspect`, or run `docker context use default`.',
      { cause: err },
    );
  }
  const ep: DockerEndpoint = { ...parsed, source: `context "${ctx.name}"` };
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
