// A real git HTTP server on loopback for tests: `git http-backend` (git's own smart-HTTP CGI) behind a
// small Node HTTP server that asks for basic auth. Every request is counted by its outcome, so a
// test can tell a clone that used the credentials from one that never tried.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface GitHttpServer {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Requests answered 401 (no or wrong credentials) and the ones let through. */
  counts: { refused: number; allowed: number };
  close(): Promise<void>;
}

function authorized(req: IncomingMessage, user: string, password: string): boolean {
  const h = req.headers.authorization ?? '';
  if (!h.startsWith('Basic ')) return false;
  return Buffer.from(h.slice(6), 'base64').toString('utf8') === `${user}:${password}`;
}

/** Hands one request to `git http-backend` and its CGI answer back to the client. */
function backend(root: string, user: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_USER: user,
    REMOTE_ADDR: '127.0.0.1',
    ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
    ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
    ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
  };
  const cgi = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
  req.pipe(cgi.stdin);
  cgi.stdin.on('error', () => undefined);
  let head = Buffer.alloc(0);
  let headersDone = false;
  cgi.stdout.on('data', (b: Buffer) => {
    if (headersDone) {
      res.write(b);
      return;
    }
    head = Buffer.concat([head, b]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    headersDone = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0]) || 200;
      else res.setHeader(name, value);
    }
    res.statusCode = status;
    res.write(head.subarray(end + 4));
  });
  cgi.on('close', () => res.end());
  cgi.on('error', () => {
    res.statusCode = 500;
    res.end();
  });
}

/**
 * `gate`: authorized requests wait for it before they are answered, so a test can look at a clone
 * in progress for as long as it needs (a small repository clones faster than a screenshot).
 */
export async function startGitHttpServer(o: {
  root: string;
  user: string;
  password: string;
  gate?: Promise<void>;
}): Promise<GitHttpServer> {
  const counts = { refused: 0, allowed: 0 };
  const server: Server = createServer((req, res) => {
    if (!authorized(req, o.user, o.password)) {
      counts.refused++;
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="cws-test"' });
      res.end();
      return;
    }
    counts.allowed++;
    if (o.gate) void o.gate.then(() => backend(o.root, o.user, req, res));
    else backend(o.root, o.user, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Makes `bare` a bare repository whose default branch, main, has one commit holding `files`
 * (path → text, folders made), committed from the work tree `seed`.
 */
export async function seedBareRepository(bare: string, seed: string, files: Record<string, string>): Promise<void> {
  const git = (...a: string[]) =>
    run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-C', seed, ...a]);
  await run('git', ['init', '-q', '--bare', bare]);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(seed, path)), { recursive: true });
    writeFileSync(join(seed, path), text);
  }
  await run('git', ['init', '-q', seed]);
  await git('add', '.');
  await git('commit', '-q', '-m', 'seed');
  await git('push', '-q', bare, 'HEAD:refs/heads/main');
  await run('git', ['--git-dir', bare, 'symbolic-ref', 'HEAD', 'refs/heads/main']);
}
