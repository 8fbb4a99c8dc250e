// A unix-socket proxy in front of an engine's socket that counts the HTTP requests and connections
// passing through it: the engine-traffic figure ("no requests while the views are hidden") is
// counted, not assumed. dropAll() cuts every connection, as an engine restart would.
import { rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REQUEST_LINE = /(?:^|\r\n)(GET|POST|PUT|DELETE|HEAD) (\/\S*) HTTP\/1\.[01]\r\n/g;

export interface CountingProxy {
  /** unix:///… address to give the client. */
  readonly url: string;
  readonly path: string;
  /** Requests seen since start or the last reset(), as "GET /v1.41/containers/json". */
  readonly requests: string[];
  /** Connections open now. */
  readonly openConnections: number;
  /** Connections open now whose latest request matches (e.g. /\/stats/ for stats streams). */
  openMatching(pattern: RegExp): number;
  /** Requests whose path matches, since the last reset. */
  count(pattern?: RegExp): number;
  reset(): void;
  /** Closes every open connection (the client sees the engine go away). */
  dropAll(): void;
  /** While paused, new connections are refused (the engine is "down"). */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

export async function startCountingProxy(upstream: string, name = 'engine'): Promise<CountingProxy> {
  const path = join(tmpdir(), `cws-proxy-${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.sock`);
  rmSync(path, { force: true });
  const sockets = new Set<Socket>();
  /** Each open client connection's latest request line. */
  const latest = new Map<Socket, string>();
  let requests: string[] = [];
  let down = false;
  const server: Server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const engine = createConnection(upstream);
    sockets.add(client);
    sockets.add(engine);
    client.on('data', (b: Buffer) => {
      const text = b.toString('latin1');
      for (const m of text.matchAll(REQUEST_LINE)) {
        requests.push(`${m[1]} ${m[2]}`);
        latest.set(client, `${m[1]} ${m[2]}`);
      }
    });
    client.pipe(engine);
    engine.pipe(client);
    const end = () => {
      client.destroy();
      engine.destroy();
      sockets.delete(client);
      sockets.delete(engine);
      latest.delete(client);
    };
    client.on('close', end);
    engine.on('close', end);
    client.on('error', end);
    engine.on('error', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  return {
    url: `unix://${path}`,
    path,
    get requests() {
      return requests;
    },
    get openConnections() {
      return [...sockets].filter((s) => !s.destroyed).length / 2;
    },
    openMatching(pattern) {
      return [...latest].filter(([c, r]) => !c.destroyed && pattern.test(r)).length;
    },
    count(pattern) {
      return pattern ? requests.filter((r) => pattern.test(r)).length : requests.length;
    },
    reset() {
      requests = [];
    },
    dropAll() {
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    setDown(d) {
      down = d;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((r) =>
        server.close(() => {
          rmSync(path, { force: true });
          r();
        }),
      );
    },
  };
}
