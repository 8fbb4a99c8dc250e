/**
 * The user's registry credentials as the docker CLI keeps them: config.json (in DOCKER_CONFIG, else
 * ~/.docker) with `auths` (base64 `auth`, username/password, identitytoken), `credsStore` and
 * `credHelpers`, the helpers being `docker-credential-<name> get` with the server on stdin.
 * Order, as the docker CLI: a registry's own credHelpers entry, then credsStore, then auths.
 * Nothing here throws for a missing or broken source: the lookup falls back to anonymous and says
 * why in `notes`, so a 401 can tell the user. Secrets are never logged or put in a note.
 */
import { spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readBounded } from '../io/readBounded';

export interface RegistryCredential {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (`identitytoken`, or a helper's Secret when its Username is `<token>`). */
  identityToken?: string;
}

export interface CredentialLookup {
  credential?: RegistryCredential;
  /** Where it came from, for messages: `config.json auths`, `docker-credential-desktop`, or `none`. */
  source: string;
  /** Why a source gave nothing (a helper missing, a file unreadable); never a secret. */
  notes: string[];
}

/** What the registry client calls, lazily, when a registry asks for credentials. */
export type CredentialSource = (registry: string, signal?: AbortSignal) => Promise<CredentialLookup>;

export interface DockerCredentialOptions {
  /** DOCKER_CONFIG is read from it, and helpers run with it (found on its PATH). */
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** A helper that has not answered in this time is killed (default 10 s). */
  helperTimeoutMs?: number;
  /** config.json larger than this is ignored (default 1 MiB). */
  maxConfigBytes?: number;
}

/** A helper's answer larger than this is refused. */
const MAX_HELPER_OUTPUT = 64 * 1024;
const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** A config key or registry as a bare host[:port]: `https://index.docker.io/v1/` → `docker.io`. */
export function registryKey(s: string): string {
  const host = s
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .split('/')[0]
    .toLowerCase();
  return DOCKER_HUB_ALIASES.has(host) ? 'docker.io' : host;
}

/** The server name a helper is asked about: Docker Hub's historic URL, else the host as written. */
function helperServer(registry: string): string {
  return registryKey(registry) === 'docker.io' ? DOCKER_HUB_KEY : registry;
}

/** A CredentialSource over the user's Docker config, reading it again on each call (it may change). */
export function dockerCredentialSource(o: DockerCredentialOptions = {}): CredentialSource {
  return (registry, signal) => lookupDockerCredentials(registry, { ...o, signal });
}

export async function lookupDockerCredentials(
  registry: string,
  o: DockerCredentialOptions & { signal?: AbortSignal } = {},
): Promise<CredentialLookup> {
  const env = o.env ?? process.env;
  const dir = env.DOCKER_CONFIG || join(o.home ?? homedir(), '.docker');
  const path = join(dir, 'config.json');
  const notes: string[] = [];
  const read = await readBounded(path, { maxBytes: o.maxConfigBytes ?? 1024 * 1024, signal: o.signal });
  if (!read.ok) {
    if (read.reason !== 'missing') notes.push(`${path} was not read (${read.reason}: ${read.detail}).`);
    return { source: 'none', notes };
  }
  let config: unknown;
  try {
    config = JSON.parse(read.text);
  } catch {
    notes.push(`${path} is not valid JSON; no credentials were taken from it.`);
    return { source: 'none', notes };
  }
  if (!isObject(config)) {
    notes.push(`${path} is not a JSON object; no credentials were taken from it.`);
    return { source: 'none', notes };
  }
  const key = registryKey(registry);
  const helpers = isObject(config.credHelpers) ? config.credHelpers : {};
  const ownHelper = Object.entries(helpers).find(([k, v]) => registryKey(k) === key && typeof v === 'string');
  const helperNames = [ownHelper?.[1], config.credsStore].filter((h): h is string => typeof h === 'string' && h !== '');
  for (const name of helperNames) {
    const r = await runHelper(name, helperServer(registry), env, o.helperTimeoutMs ?? 10_000, o.signal);
    if (r.credential) return { credential: r.credential, source: `docker-credential-${name}`, notes };
    if (r.note) notes.push(r.note);
  }
  const auths = isObject(config.auths) ? config.auths : {};
  for (const [k, v] of Object.entries(auths)) {
    if (registryKey(k) !== key || !isObject(v)) continue;
    const credential = fromAuthEntry(v);
    if (credential) return { credential, source: `${path} auths`, notes };
  }
  return { source: 'none', notes };
}

function fromAuthEntry(v: Record<string, unknown>): RegistryCredential | undefined {
  if (typeof v.identitytoken === 'string' && v.identitytoken !== '') {
    return { username: typeof v.username === 'string' ? v.username : undefined, identityToken: v.identitytoken };
  }
  if (typeof v.auth === 'string' && v.auth !== '') {
    const decoded = Buffer.from(v.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof v.username === 'string' && typeof v.password === 'string' && v.username !== '') {
    return { username: v.username, password: v.password };
  }
  return undefined;
}

interface HelperResult {
  credential?: RegistryCredential;
  note?: string;
}

/**
 * `docker-credential-<name> get`, the server on stdin, killed after `timeoutMs`; its output is read up
 * to 64 KB. "Not found" answers are not worth a note; a missing binary or a hang is.
 */
function runHelper(
  name: string,
  server: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<HelperResult> {
  const bin = `docker-credential-${name}`;
  if (!/^[A-Za-z0-9._-]+$/.test(name))
    return Promise.resolve({ note: `the credential helper name "${name}" is not valid.` });
  return new Promise<HelperResult>((resolve) => {
    let done = false;
    const out: Buffer[] = [];
    let outBytes = 0;
    // Its own process group (not on Windows, which has none): a helper script's children (a `yes`
    // that babbles, a `sleep` that hangs) are killed with it, and its pipe is let go of, so nothing
    // of it outlives the answer or keeps this process busy.
    const group = process.platform !== 'win32';
    const child = spawn(bin, ['get'], { stdio: ['pipe', 'pipe', 'ignore'], env, signal, detached: group });
    const end = (r: HelperResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        if (group && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        else if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
      child.stdout.destroy();
      resolve(r);
    };
    const timer = setTimeout(
      () => end({ note: `${bin} did not answer within ${timeoutMs} ms and was stopped.` }),
      timeoutMs,
    );
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') end({ note: `${bin} is not installed (named in Docker's config.json).` });
      else if (err.name === 'AbortError') end({ note: `${bin} was cancelled.` });
      else end({ note: `${bin} could not be run (${err.code ?? err.message}).` });
    });
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > MAX_HELPER_OUTPUT) end({ note: `${bin} answered with more than ${MAX_HELPER_OUTPUT} bytes.` });
      else out.push(chunk);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(server);
    child.on('close', (code) => {
      if (code !== 0) return end({ note: code === 1 ? undefined : `${bin} failed (exit code ${code}).` });
      end(parseHelperAnswer(bin, Buffer.concat(out).toString('utf8')));
    });
  });
}

function parseHelperAnswer(bin: string, text: string): HelperResult {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    return { note: `${bin} answered with something that is not JSON.` };
  }
  if (!isObject(j) || typeof j.Secret !== 'string' || j.Secret === '')
    return { note: `${bin} answered without a Secret.` };
  const username = typeof j.Username === 'string' ? j.Username : '';
  if (username === '<token>') return { credential: { identityToken: j.Secret } };
  return { credential: { username, password: j.Secret } };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
