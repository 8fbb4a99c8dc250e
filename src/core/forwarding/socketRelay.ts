/**
 * An agent's socket relayed: each connection to the forwarding folder's socket is joined to this
 * machine's agent (ssh-agent, gpg-agent's extra socket), found again for each connection so a
 * restarted agent is picked up. Bytes only: no key ever passes through, the agent signs.
 */
import { connect, type Socket } from 'node:net';

/** At most this many relayed connections at once (an agent needs one per operation). */
const MAX_CONNECTIONS = 64;

export function relayConnection(target: () => string | undefined, log?: (line: string) => void): (s: Socket) => void {
  let open = 0;
  return (s) => {
    const path = target();
    if (!path || open >= MAX_CONNECTIONS) {
      s.destroy();
      return;
    }
    open++;
    const agent = connect(path);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      open--;
      s.destroy();
      agent.destroy();
    };
    agent.on('error', (err: NodeJS.ErrnoException) => {
      log?.(`agent at ${path} did not answer (${err.code ?? err.message})`);
      close();
    });
    s.on('error', close);
    s.on('close', close);
    agent.on('close', close);
    s.pipe(agent);
    agent.pipe(s);
  };
}
