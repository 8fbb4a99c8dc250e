/**
 * Finds the user's Compose tool (`docker compose`, `docker-compose`, `podman compose`,
 * `podman-compose`) by running each candidate's version command, and builds and runs Compose
 * invocations pointed at the engine the extension talks to. Plain Node: no `vscode`.
 */
import { RuntimeError } from '../runtime/errors';
import { envValue, which } from './which';
import { probeOutput, runCompose, type ComposeInvocation, type ComposeRunOptions, type ComposeRunResult } from './run';

export { runCompose, LineSplitter, KILL_GRACE_MS } from './run';
export type { ComposeInvocation, ComposeRunOptions, ComposeRunResult } from './run';
export { which } from './which';

export type ComposeFlavor = 'docker-compose-plugin' | 'docker-compose' | 'podman-compose-plugin' | 'podman-compose';

export interface ComposeTool {
  flavor: ComposeFlavor;
  /** Executable to spawn: "docker", "docker-compose", "podman", "podman-compose" (absolute when found on PATH). */
  command: string;
  /** Args that come before the compose args: ["compose"] for `docker compose` / `podman compose`, [] otherwise. */
  prefix: string[];
  /** What a person reads: "docker compose 2.24.5", "docker-compose 1.29.2". */
  label: string;
  version: string;
}

/** The fields of ComposeProject (src/core/detection/types.ts) an invocation needs. */
export interface ComposeProjectRef {
  name: string;
  workingDir: string;
  files: string[];
}

export type ComposeRuntime = 'docker' | 'podman';

export interface FindComposeToolOptions {
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Time-out of each version probe. */
  timeoutMs?: number;
}

export const PROBE_TIMEOUT_MS = 10_000;

interface Candidate {
  flavor: ComposeFlavor;
  program: string;
  prefix: string[];
  versionArgs: string[];
}

const plugin = (program: 'docker' | 'podman'): Candidate => ({
  flavor: program === 'docker' ? 'docker-compose-plugin' : 'podman-compose-plugin',
  program,
  prefix: ['compose'],
  versionArgs: ['compose', 'version'],
});
const standalone = (program: 'docker-compose' | 'podman-compose'): Candidate => ({
  flavor: program,
  program,
  prefix: [],
  versionArgs: ['--version'],
});

/** In order of preference. For Podman, Docker's tools come last and are pointed at Podman's socket. */
const CANDIDATES: Record<ComposeRuntime, Candidate[]> = {
  docker: [plugin('docker'), standalone('docker-compose')],
  podman: [plugin('podman'), standalone('podman-compose'), plugin('docker'), standalone('docker-compose')],
};

/** The version in a tool's version output: "docker-compose version 1.29.2, build unknown" → "1.29.2". */
export function parseComposeVersion(text: string): string | undefined {
  return /\bversion:?\s+v?(\d+\.\d+[\w.+~-]*)/i.exec(text)?.[1];
}

/** What the CLIs print when the compose subcommand does not exist. */
const NO_SUBCOMMAND =
  /is not a docker command|unknown command|unrecognized command|unknown flag|looking up compose provider failed/i;

/** A tool, or why not: a probe that timed out says nothing for sure, so "none" is not cached then. */
type Tried = ComposeTool | 'timedOut' | undefined;

async function tryCandidate(
  c: Candidate,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Tried> {
  const command = which(c.program, env);
  if (!command) return undefined;
  const out = await probeOutput(command, c.versionArgs, { env, timeoutMs, signal });
  if (out.timedOut) return 'timedOut';
  if (out.exitCode !== 0) return undefined;
  const text = `${out.stdout}\n${out.stderr}`;
  if (NO_SUBCOMMAND.test(text) || !/compose/i.test(text)) return undefined;
  const version = parseComposeVersion(out.stdout) ?? parseComposeVersion(out.stderr);
  if (!version) return undefined;
  const name = c.prefix.length ? `${c.program} ${c.prefix.join(' ')}` : c.program;
  return Object.freeze({
    flavor: c.flavor,
    command,
    prefix: Object.freeze([...c.prefix]) as string[],
    label: `${name} ${version}`,
    version,
  });
}

const cache = new Map<string, ComposeTool | undefined>();

/** Forgets every tool found so far (after the user installs one, or changes settings). */
export function clearComposeToolCache(): void {
  cache.clear();
}

/**
 * Finds the Compose tool for the runtime. docker: `docker compose` (the v2 plugin), then
 * `docker-compose`. podman: `podman compose`, `podman-compose`, then `docker compose` /
 * `docker-compose` (composeInvocation points those at Podman's socket). Nothing is assumed: each
 * candidate on PATH has its version command run (all at once, each with a time-out) and parsed;
 * the first working one in that order wins. The answer (also "none", unless a probe timed out) is
 * cached per runtime and PATH until clearComposeToolCache(). An aborted signal rejects with a RuntimeError.
 */
export async function findComposeTool(
  runtime: ComposeRuntime,
  o: FindComposeToolOptions = {},
): Promise<ComposeTool | undefined> {
  const env = o.env ?? process.env;
  const key = [runtime, envValue(env, 'PATH') ?? '', envValue(env, 'PATHEXT') ?? ''].join('\0');
  if (cache.has(key)) return cache.get(key);
  const cancelled = () => new RuntimeError('cancelled', 'Looking for the Compose tool was cancelled.');
  if (o.signal?.aborted) throw cancelled();
  const found = await Promise.all(
    CANDIDATES[runtime].map((c) => tryCandidate(c, env, o.timeoutMs ?? PROBE_TIMEOUT_MS, o.signal)),
  );
  if (o.signal?.aborted) throw cancelled();
  // The first in order of preference that works. When a preferred one timed out the answer may be
  // different next time: it is returned but not cached.
  const i = found.findIndex((t) => typeof t === 'object');
  const tool = i < 0 ? undefined : (found[i] as ComposeTool);
  if (!found.slice(0, i < 0 ? found.length : i).includes('timedOut')) cache.set(key, tool);
  return tool;
}

/**
 * The invocation of a Compose verb on a project: [...prefix, -p name, -f file..., ...verbArgs] in
 * the project folder, with DOCKER_HOST set to the engine the extension talks to (for Podman with
 * Docker's tools, Podman's socket). An argument array, never a shell string.
 */
export function composeInvocation(
  tool: ComposeTool,
  project: ComposeProjectRef,
  verbArgs: string[],
  o: { endpointUrl: string; env?: NodeJS.ProcessEnv },
): ComposeInvocation {
  const args = [...tool.prefix, '-p', project.name];
  for (const f of project.files) args.push('-f', f);
  args.push(...verbArgs);
  return {
    command: tool.command,
    args,
    cwd: project.workingDir,
    env: { ...(o.env ?? process.env), DOCKER_HOST: o.endpointUrl },
  };
}

/** Runs a verb on a project with the tool: composeInvocation, then runCompose. */
export function runComposeVerb(
  tool: ComposeTool,
  project: ComposeProjectRef,
  verbArgs: string[],
  o: { endpointUrl: string; env?: NodeJS.ProcessEnv } & ComposeRunOptions,
): Promise<ComposeRunResult> {
  return runCompose(composeInvocation(tool, project, verbArgs, o), o);
}

/** What to do when no Compose tool is found, per runtime and platform. */
export function composeMissingHint(runtime: ComposeRuntime, platform: NodeJS.Platform = process.platform): string {
  if (runtime === 'docker') {
    if (platform === 'linux') {
      return (
        "Install Docker Compose v2 (the `docker-compose-plugin` package from Docker's repository, " +
        "then `docker compose` works), or your distribution's `docker-compose` " +
        '(e.g. `sudo apt install docker-compose`).'
      );
    }
    return (
      'Docker Compose comes with Docker Desktop: install or update it, ' +
      'or put the `docker-compose` program on PATH.'
    );
  }
  const podmanCompose =
    platform === 'linux'
      ? '`pip install podman-compose` (or `sudo apt install podman-compose`)'
      : platform === 'darwin'
        ? '`brew install podman-compose` (or `pip3 install podman-compose`)'
        : '`pip install podman-compose`';
  return (
    `Install podman-compose: ${podmanCompose}; or Docker Compose (\`docker compose\` / \`docker-compose\`), ` +
    "which then talks to Podman's socket. Podman 4.8 and later run either one as `podman compose`."
  );
}
