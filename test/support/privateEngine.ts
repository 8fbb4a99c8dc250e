// A private dockerd or Podman service for fault injection: its own socket, data, state and pid
// file under one temporary folder, so a test may SIGKILL and restart it without touching the
// machine's engines (/var/run/docker.sock, /run/podman/podman.sock) that other tests use.
// Everything is spawned with argument arrays; stop() leaves no process, mount or folder behind.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DockerRuntime } from '../../src/core/runtime/docker/dockerRuntime';
import { PodmanRuntime } from '../../src/core/runtime/docker/podmanRuntime';
import type { ContainerRuntime } from '../../src/core/runtime/types';
import { TEST_IMAGE, type EngineId } from './engines';

const run = promisify(execFile);

export interface PrivateEngine {
  readonly id: EngineId;
  readonly dir: string;
  readonly socketPath: string;
  /** unix://… */
  readonly url: string;
  /** The engine's pid now (undefined while it is down). */
  readonly pid: number | undefined;
  /** A new runtime object of ours on this engine's socket. */
  runtime(): ContainerRuntime;
  /** The docker CLI pointed at this engine (works for Podman's Docker-compatible socket too). */
  cli(args: string[]): Promise<string>;
  /** SIGKILL, and waits until the process is gone. */
  kill(): Promise<void>;
  /** Starts it again; resolves with Date.now() at the moment GET /_ping first answered 200. */
  start(): Promise<number>;
  /** Removes every container, stops the engine and whatever it started, unmounts and deletes the folder. */
  stop(): Promise<void>;
}

/** GET /_ping on a unix socket: true when it answers 200 within a second. */
export function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    // agent: false: no keep-alive socket left behind to count as a leak.
    const req = get({ socketPath, path: '/_ping', timeout: 1_000, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

/** Polls /_ping every 50 ms; resolves with the time it first answered. */
async function waitForPing(socketPath: string, ms: number, child: () => ChildProcess | undefined, log: string) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await ping(socketPath)) return Date.now();
    const c = child();
    if (!c || c.exitCode !== null || c.signalCode !== null)
      throw new Error(`the private engine exited before answering; its log:\n${tail(log)}`);
    if (Date.now() > deadline) throw new Error(`the private engine did not answer within ${ms} ms:\n${tail(log)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function tail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Processes whose command line mentions `dir` (containerd, its shims, conmon…), deepest first. */
function processesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${e}/cmdline`, 'utf8');
      if (cmd.includes(dir)) pids.push(Number(e));
    } catch {
      /* gone meanwhile */
    }
  }
  return pids.sort((a, b) => b - a);
}

function alive(pid: number): boolean {
  try {
    // A zombie (reaped by nobody: init here does not reap) is dead for our purposes.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitGone(pids: number[], ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (pids.some(alive)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** Unmounts whatever is mounted under `dir` (deepest first), lazily so a busy one cannot stop us. */
async function unmountUnder(dir: string): Promise<void> {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => !!m && (m === dir || m.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) await run('umount', ['-l', m]).catch(() => undefined);
}

/** The busybox root filesystem tarball setup-engines.sh makes; made here when it is missing. */
let madeTar: string | undefined;
function imageTar(): string {
  const logDir = process.env.CWS_ENGINE_LOG_DIR || '/tmp/cws-engines';
  const tar = join(logDir, 'busybox-rootfs.tar');
  if (existsSync(tar)) return tar;
  // Made once per process: both engines import it, at the same time; making it again for the second
  // rewrote the file under the first one's import (Podman: "Digest did not match").
  if (madeTar && existsSync(madeTar)) return madeTar;
  const root = mkdtempSync('/tmp/cws-faults-rootfs-');
  mkdirSync(join(root, 'bin'), { recursive: true });
  mkdirSync(join(root, 'etc'));
  mkdirSync(join(root, 'tmp'));
  copyFileSync('/bin/busybox', join(root, 'bin/busybox'));
  for (const c of ['sh', 'ls', 'echo', 'cat', 'sleep', 'env', 'ps', 'top', 'wc', 'id', 'head', 'tail', 'grep', 'true'])
    symlinkSync('busybox', join(root, 'bin', c));
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  mkdirSync(logDir, { recursive: true });
  const out = join(root, '..', `cws-faults-rootfs-${process.pid}.tar`);
  // Written under another name and renamed: a reader never sees a half-written tarball.
  const ok = spawnSync('tar', ['-C', root, '-cf', `${out}.part`, '.']).status === 0;
  rmSync(root, { recursive: true, force: true });
  if (!ok) throw new Error('could not make the busybox image tarball');
  renameSync(`${out}.part`, out);
  madeTar = out;
  return out;
}

interface Spec {
  id: EngineId;
  dir: string;
  socketPath: string;
  command: string;
  args: string[];
  /** Files the engine leaves behind when killed that stop it starting again. */
  stale: string[];
  importImage(e: PrivateEngine): Promise<void>;
  /** After the engine and everything it started are gone. */
  cleanup?(): Promise<void>;
}

function makeEngine(spec: Spec): PrivateEngine {
  const log = join(spec.dir, `${spec.id}.log`);
  let child: ChildProcess | undefined;
  const url = `unix://${spec.socketPath}`;
  const launch = async () => {
    for (const f of spec.stale) rmSync(f, { force: true });
    const fd = openSync(log, 'a');
    try {
      // Its own process group, so a signal to it never reaches the test runner; still our child, so reaped.
      child = spawn(spec.command, spec.args, { detached: true, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    child.unref();
    child.on('error', () => undefined);
    const c = child;
    return waitForPing(spec.socketPath, 60_000, () => (child === c ? c : undefined), log);
  };
  const engine: PrivateEngine = {
    id: spec.id,
    dir: spec.dir,
    socketPath: spec.socketPath,
    url,
    get pid() {
      return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    runtime() {
      const ep = { url, socketPath: spec.socketPath };
      return spec.id === 'podman' ? new PodmanRuntime(ep) : new DockerRuntime('docker', ep);
    },
    async cli(args) {
      const { stdout } = await run('docker', ['-H', url, ...args], { timeout: 60_000, maxBuffer: 16 << 20 });
      return stdout.trim();
    },
    async kill() {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
      child = undefined;
      // Podman keeps no pid file; dockerd's and its containerd's are stale now (spec.stale).
    },
    start: launch,
    async stop() {
      if (engine.pid) {
        const ids = (await engine.cli(['ps', '-aq']).catch(() => '')).split('\n').filter(Boolean);
        if (ids.length) await engine.cli(['rm', '-f', ...ids]).catch(() => undefined);
        const c = child!;
        const exited = new Promise((r) => c.once('exit', r));
        c.kill('SIGTERM');
        const t = setTimeout(() => c.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(t);
      }
      child = undefined;
      // What it started and left (containerd, shims, conmon): nothing of ours may outlive the test.
      const left = processesUnder(spec.dir);
      for (const pid of left) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      await waitGone(left, 10_000);
      await unmountUnder(spec.dir);
      await spec.cleanup?.();
      rmSync(spec.dir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
  return engine;
}

/** Processes left from private engines (command line under /tmp/cws-faults-*), for the tests' own check. */
export function leftoverEngineProcesses(dir: string): number[] {
  return processesUnder(dir).filter(alive);
}

async function started(spec: Spec): Promise<PrivateEngine> {
  const e = makeEngine(spec);
  try {
    await e.start();
    await spec.importImage(e);
    return e;
  } catch (err) {
    await e.stop().catch(() => undefined);
    throw err;
  }
}

/**
 * A private dockerd, no iptables, the test image imported. Its default bridge is a bridge of its
 * own: `--bridge=none` would make dockerd delete the machine's docker0 at every start (it clears
 * "the default bridge interface"), breaking the system dockerd's containers.
 */
export async function startPrivateDocker(): Promise<PrivateEngine> {
  const dir = mkdtempSync('/tmp/cws-faults-docker-');
  const socketPath = join(dir, 'docker.sock');
  const bridge = `cwsf${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`.slice(0, 15);
  await run('ip', ['link', 'add', 'name', bridge, 'type', 'bridge']);
  return started({
    id: 'docker',
    dir,
    socketPath,
    command: '/usr/sbin/dockerd',
    args: [
      '--host',
      `unix://${socketPath}`,
      '--data-root',
      join(dir, 'data'),
      '--exec-root',
      join(dir, 'exec'),
      '--pidfile',
      join(dir, 'docker.pid'),
      '--iptables=false',
      '--ip-forward=false',
      '--ip-masq=false',
      `--bridge=${bridge}`,
    ],
    stale: [join(dir, 'docker.pid'), join(dir, 'exec/containerd/containerd.pid')],
    importImage: async (e) => {
      await e.cli(['import', imageTar(), TEST_IMAGE]);
    },
    cleanup: async () => {
      await run('ip', ['link', 'del', bridge]).catch(() => undefined);
    },
  });
}

/** A private `podman system service` with its own storage, state and temp folders. */
export function startPrivatePodman(): Promise<PrivateEngine> {
  const dir = mkdtempSync('/tmp/cws-faults-podman-');
  const socketPath = join(dir, 'podman.sock');
  const globals = ['--root', join(dir, 'root'), '--runroot', join(dir, 'run'), '--tmpdir', join(dir, 'tmp')];
  return started({
    id: 'podman',
    dir,
    socketPath,
    command: 'podman',
    args: [...globals, 'system', 'service', '--time=0', `unix://${socketPath}`],
    // A killed service leaves its socket file; a new one would refuse to listen on it.
    stale: [socketPath],
    importImage: async () => {
      await run('podman', [...globals, 'import', imageTar(), TEST_IMAGE], { timeout: 60_000 });
    },
  });
}

/** `docker run -d` on a private engine, with no network (nothing here needs one; Podman's would touch the host's). */
export function runOn(e: PrivateEngine, name: string, cmd: string[], flags: string[] = []): Promise<string> {
  return e.cli(['run', '-d', '--name', name, '--network', 'none', ...flags, TEST_IMAGE, ...cmd]);
}
