import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { RuntimeError } from '../errors';

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
  /** Passed to ssh2 for ssh:// endpoints (agent, privateKey, hostVerifier, …). */
  sshOptions?: Record<string, unknown>;
  /** Where the address came from, for messages: "setting", "DOCKER_HOST", "context \"colima\"", "default socket". */
  source?: string;
}

export interface EndpointEnv {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
  exists?: (path: string) => boolean;
}

/** Parses a DOCKER_HOST-style address. */
export function parseHost(url: string): DockerEndpoint {
  const m = /^([a-z]+):\/\/(.*)$/i.exec(url.trim());
  if (!m) throw new RuntimeError('invalidArgument', `Not an engine address: "${url}".`, 'Use unix:///path, npipe:////./pipe/name, tcp://host:port or ssh://user@host.');
  const scheme = m[1].toLowerCase();
  const rest = m[2];
  if (scheme === 'unix') return { url, socketPath: rest };
  if (scheme === 'npipe') return { url, socketPath: rest.replace(/\//g, '\\') };
  const u = new URL(`${scheme === 'ssh' ? 'ssh' : 'http'}://${rest}`);
  if (scheme === 'tcp' || scheme === 'http' || scheme === 'https') {
    const tls = scheme === 'https';
    return { url, protocol: tls ? 'https' : 'http', host: u.hostname, port: Number(u.port || (tls ? 2376 : 2375)) };
  }
  if (scheme === 'ssh') {
    return { url, protocol: 'ssh', host: u.hostname, port: Number(u.port || 22), username: u.username || undefined };
  }
  throw new RuntimeError('invalidArgument', `Unsupported engine address scheme "${scheme}://".`, 'Use unix://, npipe://, tcp:// or ssh://.');
}

function firstExisting(paths: string[], exists: (p: string) => boolean): string | undefined {
  return paths.find((p) => exists(p));
}

/** Docker's endpoint: explicit > DOCKER_HOST > the usual local sockets. */
export function resolveDockerEndpoint(explicit: string | undefined, o: EndpointEnv = {}): DockerEndpoint {
  const env = o.env ?? process.env;
  const platform = o.platform ?? process.platform;
  const home = o.home ?? homedir();
  const exists = o.exists ?? existsSync;
  if (explicit) return parseHost(explicit);
  if (env.DOCKER_HOST) return parseHost(env.DOCKER_HOST);
  if (platform === 'win32') return parseHost('npipe:////./pipe/docker_engine');
  const candidates = [
    '/var/run/docker.sock',
    join(home, '.docker/run/docker.sock'),
    join(home, '.colima/default/docker.sock'),
    join(home, '.colima/docker.sock'),
    join(home, '.rd/docker.sock'),
  ];
  const found = firstExisting(candidates, exists) ?? candidates[0];
  return { url: `unix://${found}`, socketPath: found };
}

/** Podman's Docker-compatible socket: explicit > rootless > rootful > a Podman machine's. */
export function resolvePodmanEndpoint(explicit: string | undefined, o: EndpointEnv = {}): DockerEndpoint {
  const env = o.env ?? process.env;
  const platform = o.platform ?? process.platform;
  const home = o.home ?? homedir();
  const exists = o.exists ?? existsSync;
  if (explicit) return parseHost(explicit);
  if (platform === 'win32') return parseHost('npipe:////./pipe/podman-machine-default');
  const candidates: string[] = [];
  if (env.XDG_RUNTIME_DIR) candidates.push(join(env.XDG_RUNTIME_DIR, 'podman/podman.sock'));
  candidates.push('/run/podman/podman.sock');
  if (platform === 'darwin') {
    candidates.push(join(home, '.local/share/containers/podman/machine/podman.sock'));
    candidates.push(join(home, '.local/share/containers/podman/machine/podman-machine-default/podman.sock'));
  }
  const found = firstExisting(candidates, exists) ?? candidates[0];
  return { url: `unix://${found}`, socketPath: found };
}
