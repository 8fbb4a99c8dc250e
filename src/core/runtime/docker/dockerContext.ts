// The docker CLI's configuration as it bears on where the engine is: the config dir, the current
// context (DOCKER_CONTEXT or config.json), a context's endpoint and TLS files, and the TLS material
// DOCKER_TLS_VERIFY / DOCKER_CERT_PATH point at. Plain Node; all file access goes through the
// functions passed in, so tests work on temporary directories.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { escapeControl } from '../../text/escapeControl';
import { RuntimeError } from '../errors';

export interface ConfigFiles {
  env: NodeJS.ProcessEnv;
  home: string;
  exists: (path: string) => boolean;
  /** Reads a file as UTF-8 text; throws (ENOENT, EACCES, …) as fs.readFileSync does. */
  readFile: (path: string) => string;
}

/** PEM text of a TLS endpoint's files; each one only when present. */
export interface TlsFiles {
  ca?: string;
  cert?: string;
  key?: string;
}

export interface DockerContext {
  name: string;
  /** The engine address, as `docker context inspect` shows it (unix://, tcp://, ssh://, npipe://). */
  host: string;
  skipTLSVerify: boolean;
  tls: TlsFiles;
  /** Where the context's meta.json is, for messages. */
  metaPath: string;
}

/** The context named by DOCKER_CONTEXT or by config.json, and where that came from. */
export interface ContextChoice {
  name: string;
  /** "DOCKER_CONTEXT" or the path of config.json. */
  from: string;
}

/** `DOCKER_CONFIG`, else `~/.docker`. */
export function dockerConfigDir(f: Pick<ConfigFiles, 'env' | 'home'>): string {
  return f.env.DOCKER_CONFIG || join(f.home, '.docker');
}

/** The directory name the docker CLI stores a context under: the sha256 of its name, in hex. */
export function contextId(name: string): string {
  return createHash('sha256').update(name, 'utf8').digest('hex');
}

/**
 * DOCKER_CONTEXT, else `currentContext` in config.json; undefined when neither names one.
 * "default" is returned as is: the caller treats it as "no context".
 */
export function selectedContext(f: ConfigFiles): ContextChoice | undefined {
  if (f.env.DOCKER_CONTEXT) return { name: f.env.DOCKER_CONTEXT, from: 'DOCKER_CONTEXT' };
  const configPath = join(dockerConfigDir(f), 'config.json');
  const config = readJson(
    f,
    configPath,
    "Docker's config file",
    'Fix the JSON in that file, or move it away (the docker CLI recreates it).',
    true,
  );
  if (config === undefined) return undefined;
  if (!isObject(config)) {
    throw new RuntimeError(
      'invalidArgument',
      `Docker's config file ${configPath} is not a JSON object.`,
      'Fix that file, or move it away (the docker CLI recreates it).',
    );
  }
  const current = config.currentContext;
  if (current === undefined || current === null || current === '') return undefined;
  if (typeof current !== 'string') {
    throw new RuntimeError(
      'invalidArgument',
      `"currentContext" in ${configPath} is not a string.`,
      'Run `docker context use default` (or the context you want) to rewrite it.',
    );
  }
  return { name: current, from: configPath };
}

/** Reads a named context's endpoint and TLS files, as the docker CLI's context store keeps them. */
export function loadContext(f: ConfigFiles, choice: ContextChoice): DockerContext {
  const { name } = choice;
  // The name as it may appear in a message: it comes from the environment or a file.
  const shownName = escapeControl(name, { maxLength: 80 });
  const store = join(dockerConfigDir(f), 'contexts');
  const id = contextId(name);
  const metaPath = join(store, 'meta', id, 'meta.json');
  const meta = readJson(
    f,
    metaPath,
    `Docker context "${shownName}"`,
    `Recreate the context (\`docker context rm ${shownName}\`, then \`docker context create\`), ` +
      'or run `docker context use default`.',
  );
  if (meta === undefined) {
    const via = choice.from === 'DOCKER_CONTEXT' ? 'DOCKER_CONTEXT' : `currentContext in ${choice.from}`;
    const unset =
      choice.from === 'DOCKER_CONTEXT'
        ? 'unset DOCKER_CONTEXT or set it to one that exists'
        : 'run `docker context use default`';
    throw new RuntimeError(
      'invalidArgument',
      `Docker context "${shownName}" (from ${via}) does not exist.`,
      `Run \`docker context ls\` to see the contexts there are, then ${unset}.`,
    );
  }
  const endpoint = isObject(meta) && isObject(meta.Endpoints) ? meta.Endpoints.docker : undefined;
  if (!isObject(endpoint) || typeof endpoint.Host !== 'string' || !endpoint.Host) {
    throw new RuntimeError(
      'invalidArgument',
      `Docker context "${shownName}" has no Docker endpoint (${metaPath}).`,
      'Check it with `docker context inspect`, or run `docker context use default`.',
    );
  }
  const tlsDir = join(store, 'tls', id, 'docker');
  const tls: TlsFiles = {};
  for (const file of ['ca', 'cert', 'key'] as const) {
    const p = join(tlsDir, `${file}.pem`);
    const text = readOptional(f, p, `Docker context "${shownName}"`);
    if (text !== undefined) tls[file] = text;
  }
  return { name, host: endpoint.Host, skipTLSVerify: endpoint.SkipTLSVerify === true, tls, metaPath };
}

/**
 * TLS for a tcp:// address set by the setting or DOCKER_HOST, as the docker CLI takes it from the
 * environment: DOCKER_TLS_VERIFY (any non-empty value) verifies the engine against ca.pem;
 * DOCKER_TLS alone encrypts, checked against the system's CAs or ca.pem when there is one (no
 * verification is turned off here: see endpoint.ts). Files come from DOCKER_CERT_PATH, else the config
 * dir. cert.pem and key.pem go together and are optional (as for the docker CLI). Undefined when
 * neither variable is set.
 */
export function envTls(f: ConfigFiles): (TlsFiles & { verify: boolean }) | undefined {
  const verify = !!f.env.DOCKER_TLS_VERIFY;
  if (!verify && !f.env.DOCKER_TLS) return undefined;
  const dir = f.env.DOCKER_CERT_PATH || dockerConfigDir(f);
  const why = verify ? 'DOCKER_TLS_VERIFY is set' : 'DOCKER_TLS is set';
  const where = f.env.DOCKER_CERT_PATH ? 'DOCKER_CERT_PATH' : 'the Docker config dir';
  const fix =
    `Put ca.pem, cert.pem and key.pem in ${where} (${dir}), ` +
    'point DOCKER_CERT_PATH at the directory that has them, or unset DOCKER_TLS_VERIFY.';
  const read = (file: string) => readOptional(f, join(dir, file), why);
  const tls: TlsFiles & { verify: boolean } = { verify };
  const ca = read('ca.pem');
  if (verify && ca === undefined) {
    throw new RuntimeError('invalidArgument', `${why} but there is no CA certificate at ${join(dir, 'ca.pem')}.`, fix);
  }
  if (ca !== undefined) tls.ca = ca;
  const cert = read('cert.pem');
  const key = read('key.pem');
  if ((cert === undefined) !== (key === undefined)) {
    const missing = join(dir, cert === undefined ? 'cert.pem' : 'key.pem');
    throw new RuntimeError(
      'invalidArgument',
      `${why} but ${missing} is missing (client certificate and key go together).`,
      fix,
    );
  }
  if (cert !== undefined) tls.cert = cert;
  if (key !== undefined) tls.key = key;
  return tls;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function errnoCode(err: unknown): string | undefined {
  return (err as { code?: string } | null)?.code;
}

/** The file's text, or undefined when it does not exist; other read failures become RuntimeErrors. */
function readOptional(f: ConfigFiles, path: string, what: string): string | undefined {
  if (!f.exists(path)) return undefined;
  try {
    return f.readFile(path);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'ENOTFILE' || code === 'ETOOLARGE') {
      throw new RuntimeError(
        'invalidArgument',
        `${what}: ${path} ${(err as Error).message}.`,
        'Replace it with the file the docker CLI writes there, or move it away.',
        { cause: err },
      );
    }
    if (code === 'EACCES' || code === 'EPERM') {
      throw new RuntimeError('permission', `${what}: no permission to read ${path}.`, "Fix the file's owner or mode.", {
        cause: err,
      });
    }
    throw new RuntimeError('internal', `${what}: cannot read ${path} (${code ?? 'error'}).`, undefined, { cause: err });
  }
}

/**
 * Parses a JSON file; undefined when it does not exist. The parser's own message is not passed on:
 * it quotes the file's text, and config.json can hold registry credentials.
 */
function readJson(f: ConfigFiles, path: string, what: string, hint: string, emptyOk = false): unknown {
  const text = readOptional(f, path, what);
  if (text === undefined) return undefined;
  if (!text.trim() && emptyOk) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RuntimeError('invalidArgument', `${what}: ${path} is not valid JSON.`, hint);
  }
}
