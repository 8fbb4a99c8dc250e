// An engine that lies: an HTTP server on a unix socket in a temporary directory that answers Docker
// Engine API paths in chosen bad ways (wrong JSON types, truncated or huge bodies, garbage, silence,
// a connection closed mid-body, broken chunked encoding, HTML error pages). Our real DockerRuntime
// (dockerode, docker-modem, Node's HTTP client) talks to it through a unix:// address: only the
// engine is fake.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Answer = (req: IncomingMessage, res: ServerResponse) => void;

/** Answers that behave like a healthy engine where a test does not care. */
const DEFAULTS: Record<string, Answer> = {
  '/_ping': (_q, res) => text(200, 'OK')(_q, res),
  '/version': json({ Version: '99.0-fake', ApiVersion: '1.45', Os: 'linux', Arch: 'amd64' }),
  '/containers/json': json([]),
};

export class FakeEngine {
  readonly dir = mkdtempSync(join(tmpdir(), 'cws-fake-engine-'));
  readonly socketPath = join(this.dir, 'docker.sock');
  readonly url = `unix://${this.socketPath}`;
  /** Paths asked for, in order (without the query), so a test can see the request arrived. */
  readonly asked: string[] = [];
  private readonly routes = new Map<string, Answer>();
  private readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0].replace(/^\/v[0-9.]+(?=\/)/, '');
      this.asked.push(path);
      const answer = this.match(path) ?? notFound;
      answer(req, res);
    });
  }

  /** Answer `path` (exact, or a pattern with `*` for one segment) this way from now on. */
  on(path: string, answer: Answer): this {
    this.routes.set(path, answer);
    return this;
  }

  private match(path: string): Answer | undefined {
    for (const [p, a] of this.routes) {
      if (p === path) return a;
      if (p.includes('*') && new RegExp(`^${p.replace(/[.]/g, '\\.').replace(/\*/g, '[^/]+')}$`).test(path)) return a;
    }
    return DEFAULTS[path];
  }

  start(): Promise<this> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.socketPath, () => resolve(this));
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---- answers ----

export function json(value: unknown, status = 200): Answer {
  return (_req, res) => {
    const body = JSON.stringify(value);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
}

export function text(status: number, body: string, contentType = 'text/plain'): Answer {
  return (_req, res) => {
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
}

const notFound: Answer = json({ message: 'page not found' }, 404);

/** A body of `bytes` bytes of JSON-looking text, written as the client reads it (never all in memory). */
export function huge(bytes: number, o: { declareLength?: boolean; sent?: { bytes: number } } = {}): Answer {
  return (_req, res) => {
    res.writeHead(200, {
      'Content-Type': 'application/json',
      ...(o.declareLength ? { 'Content-Length': bytes } : {}),
    });
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    res.write('[{"Id":"');
    let sent = 8;
    const more = () => {
      while (sent < bytes) {
        const n = Math.min(chunk.length, bytes - sent);
        sent += n;
        if (o.sent) o.sent.bytes = sent;
        if (!res.write(chunk.subarray(0, n))) return void res.once('drain', more);
      }
      res.end();
    };
    res.on('close', () => {
      sent = bytes; // the client went away: stop
    });
    more();
  };
}

/** Headers, then nothing more, ever. */
export const headersThenSilence: Answer = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 1000 });
  res.write('[{"Id":');
};

/** Nothing at all: the request is read and never answered. */
export const silence: Answer = () => undefined;

/** Half a body, then the connection is closed. */
export const closeMidBody: Answer = (req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 1000 });
  res.write('[{"Id":"abc","Names":["/x"]', () => req.socket.destroy());
};

/** Bytes that are not HTTP at all, straight onto the connection. */
export function garbage(bytes: Buffer = Buffer.from('\u0000\u00ff\u001b[31mnot http\r\n\r\n\u0007')): Answer {
  return (req) => {
    req.socket.end(bytes);
  };
}

/** A response whose chunked encoding is broken (a chunk size that is not hex). */
export const badChunks: Answer = (req) => {
  req.socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n[]\r\n');
};

/** Lines written on a stream that stays open (events, stats), then silence until closed. */
export function lines(all: (string | Buffer)[], o: { end?: boolean } = {}): Answer {
  return (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    for (const l of all) res.write(l);
    if (o.end) res.end();
  };
}
