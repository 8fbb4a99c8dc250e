import { RuntimeError } from '../runtime/errors';
import type { ContainerRuntime } from '../runtime/types';
import { firstLine, runScript } from './exec';
import { noCodeHint } from './hint';
import { tunnelName } from './name';
import { summarizeLog } from './parse';
import { HAS_CODE, START, START_EXIT, STATE_DIR, STATUS, STOP, SUPERVISOR } from './scripts';

export interface TunnelStatus {
  running: boolean;
  /** The name it was started with (also after it ended). */
  name?: string;
  /** Its vscode.dev address, once printed (while running). */
  url?: string;
  /** A device login the tunnel waits for (while running, until the address is printed). */
  login?: { code: string; url: string };
  /** The `code tunnel` process inside the container (while running). */
  pid?: number;
  /** How it ended, when it is not running and that is known. */
  exitCode?: number;
}

/** The CLI keeps its token in a file under ~/.vscode/cli: containers have no keychain. */
const TUNNEL_ENV = { VSCODE_CLI_USE_FILE_KEYCHAIN: '1' };

/** Whether the container has a `code` CLI on PATH (for the user it's run as). */
export async function hasCodeCli(
  rt: ContainerRuntime,
  id: string,
  o: { user?: string; signal?: AbortSignal } = {},
): Promise<boolean> {
  const r = await runScript(rt, id, HAS_CODE, [], o);
  return r.exitCode === 0;
}

/**
 * Starts `code tunnel --accept-server-license-terms --name NAME` detached inside the container:
 * it outlives this exec, a window reload and the process that started it. The name is sanitised
 * with tunnelName(). workingDir becomes the folder the tunnel's address opens. Never downloads anything.
 * Throws RuntimeError 'conflict' when a tunnel already runs there, 'notFound' (with a hint) when
 * there is no `code`, 'permission' when the state directory belongs to another user.
 */
export async function startTunnel(
  rt: ContainerRuntime,
  id: string,
  o: {
    name: string;
    user?: string;
    workingDir?: string;
    /** The dev container config's remoteEnv (set ones); ours win over it. */
    env?: Record<string, string>;
    signal?: AbortSignal;
  },
): Promise<TunnelStatus> {
  const name = tunnelName(o.name);
  const r = await runScript(rt, id, START, [name, SUPERVISOR], {
    user: o.user,
    workingDir: o.workingDir,
    env: { ...(o.env ?? {}), ...TUNNEL_ENV },
    signal: o.signal,
  });
  const [word, value] = firstLine(r.stdout).split(/\s+/);
  if (r.exitCode === 0 && word === 'started') return { running: true, name, pid: toInt(value) };
  if (r.exitCode === START_EXIT.running && word === 'running') {
    throw new RuntimeError(
      'conflict',
      `A tunnel is already running in container ${id} (pid ${value}).`,
      'Stop it first, or show its status for its address and login code.',
    );
  }
  if (r.exitCode === START_EXIT.noCode && word === 'nocode') {
    throw new RuntimeError(
      'notFound',
      `Container ${id} has no \`code\` CLI on PATH${o.user ? ` for user ${o.user}` : ''}.`,
      noCodeHint(value),
    );
  }
  if (r.exitCode === START_EXIT.noWrite && word === 'nowrite') {
    throw new RuntimeError(
      'permission',
      `Cannot write the tunnel's state directory ${STATE_DIR} in container ${id}.`,
      'A tunnel was started there as another user: start it as that user, or remove the directory.',
    );
  }
  if (r.exitCode === 126 || r.exitCode === 127) {
    throw new RuntimeError(
      'notFound',
      `Cannot run sh in container ${id}: a tunnel needs a shell in the image.`,
      firstLine(r.stderr || r.stdout) || undefined,
    );
  }
  throw new RuntimeError(
    'internal',
    `The tunnel did not start in container ${id} (exit ${r.exitCode}).`,
    firstLine(r.stderr) || undefined,
  );
}

interface TunnelState extends TunnelStatus {
  /** The uid it was started as. */
  uid?: string;
}

async function readState(rt: ContainerRuntime, id: string, signal?: AbortSignal): Promise<TunnelState> {
  const r = await runScript(rt, id, STATUS, [], { signal });
  if (r.exitCode !== 0)
    throw new RuntimeError(
      'internal',
      `Cannot read the tunnel's state in container ${id} (exit ${r.exitCode}).`,
      firstLine(r.stderr) || undefined,
    );
  const lines = r.stdout.split('\n');
  if (lines[0]?.trim() === 'none') return { running: false };
  const sep = lines.indexOf('--');
  const kv = new Map<string, string>();
  for (const l of lines.slice(0, sep < 0 ? lines.length : sep)) {
    const eq = l.indexOf('=');
    if (eq > 0) kv.set(l.slice(0, eq), l.slice(eq + 1).trim());
  }
  const running = kv.get('alive') === '1';
  const state: TunnelState = { running, name: kv.get('name') || undefined, uid: kv.get('uid') || undefined };
  if (running) {
    state.pid = toInt(kv.get('pid'));
    Object.assign(state, summarizeLog(sep < 0 ? [] : lines.slice(sep + 1)));
  } else {
    state.exitCode = toInt(kv.get('exit'));
  }
  return state;
}

/** Reads the state from the container (pid file and log): works after a reload, from a new process. */
export async function tunnelStatus(
  rt: ContainerRuntime,
  id: string,
  o: { signal?: AbortSignal } = {},
): Promise<TunnelStatus> {
  const { uid: _uid, ...status } = await readState(rt, id, o.signal);
  return dropUndefined(status);
}

/**
 * Stops the tunnel (TERM, then KILL after ~3 s) as the user that started it, and removes its pid
 * file. Nothing to do when none runs. Its log stays until the next start.
 */
export async function stopTunnel(rt: ContainerRuntime, id: string, o: { signal?: AbortSignal } = {}): Promise<void> {
  const state = await readState(rt, id, o.signal);
  const r = await runScript(rt, id, STOP, [], {
    user: state.uid && /^\d+$/.test(state.uid) ? state.uid : undefined,
    signal: o.signal,
  });
  if (r.exitCode === 0) return;
  if (firstLine(r.stdout) === 'alive') {
    throw new RuntimeError(
      'permission',
      `The tunnel in container ${id} could not be stopped (pid ${state.pid ?? '?'}).`,
    );
  }
  throw new RuntimeError(
    'internal',
    `Stopping the tunnel in container ${id} failed (exit ${r.exitCode}).`,
    firstLine(r.stderr) || undefined,
  );
}

function toInt(s: string | undefined): number | undefined {
  return s && /^\d+$/.test(s) ? Number(s) : undefined;
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
