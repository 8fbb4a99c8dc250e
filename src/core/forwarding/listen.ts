/**
 * A unix socket in the forwarding folder, listened on: a stale socket file (nobody answers) is
 * replaced; one another process serves (a second VS Code window, a `cws forward`) is left to it.
 * Made connectable for the container's user, whatever its uid: the folder is reachable only
 * through the container's mount and this user's own 0700 parent.
 */
import { chmod, lstat, unlink } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';

/** Whether something answers on the socket (within a second). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    const done = (v: boolean) => {
      clearTimeout(t);
      s.destroy();
      resolve(v);
    };
    const t = setTimeout(() => done(false), 1000);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export type Listening = { server: Server } | { busy: true } | { failed: string };

export async function listenSocket(path: string, onConnection: (s: Socket) => void): Promise<Listening> {
  const st = await lstat(path).catch(() => undefined);
  if (st) {
    if (!st.isSocket()) return { failed: `${path} is not a socket` };
    if (await answers(path)) return { busy: true };
    await unlink(path).catch(() => undefined);
  }
  const server = createServer({ allowHalfOpen: true }, onConnection);
  // A connection's errors (the container side gone) end that connection, never this process.
  server.on('connection', (s) => s.on('error', () => s.destroy()));
  return new Promise((resolve) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      resolve(err.code === 'EADDRINUSE' ? { busy: true } : { failed: err.code ?? err.message });
    });
    server.listen(path, () => {
      server.removeAllListeners('error');
      server.on('error', () => undefined);
      chmod(path, 0o666).then(
        () => resolve({ server }),
        (err: NodeJS.ErrnoException) => {
          server.close();
          resolve({ failed: `chmod: ${err.code ?? err.message}` });
        },
      );
    });
  });
}

/**
 * Stops listening (Node removes the socket file it listened on); connections open now (a relayed
 * agent operation) finish on their own.
 */
export function closeSocket(server: Server): Promise<void> {
  server.close();
  return new Promise((resolve) => setImmediate(resolve));
}
