import { existsSync } from 'node:fs';
import { AppleRuntime } from './apple/appleRuntime';
import { DockerRuntime } from './docker/dockerRuntime';
import { resolveDockerEndpoint, resolvePodmanEndpoint, type DockerEndpoint, type EndpointEnv } from './docker/endpoint';
import { PodmanRuntime } from './docker/podmanRuntime';
import { RuntimeError, startHint } from './errors';
import type { ContainerRuntime, RuntimeId, RuntimeInfo } from './types';
import { RUNTIME_IDS, RUNTIME_LABELS } from './types';

/** `host`: no container engine; workspace commands run on this machine. */
export type RuntimeChoice = RuntimeId | 'auto' | 'host';
const CHOICES: readonly string[] = ['auto', ...RUNTIME_IDS, 'host'];

export interface SelectionInput {
  /** The `containerWorkspaces.runtime` setting or the `--runtime` flag. */
  setting?: string;
  /** Where `setting` came from, for messages (default "the runtime setting"). */
  settingSource?: string;
  env?: NodeJS.ProcessEnv;
  /** Engine addresses from settings (empty = resolve as the docker / podman CLIs do). */
  dockerHost?: string;
  podmanHost?: string;
  /** Apple's `container` CLI (default: `container` on PATH). */
  appleCliPath?: string;
  platform?: NodeJS.Platform;
  /** The machine's architecture (default process.arch): Apple Containers needs Apple silicon. */
  arch?: string;
  home?: string;
  exists?: (path: string) => boolean;
  /** `host:port` of tcp engines whose TLS certificate is not verified (the docker.insecureHosts setting). */
  insecureHosts?: readonly string[];
}

function parseChoice(value: string, source: string): RuntimeChoice {
  const v = value.trim().toLowerCase();
  if (!CHOICES.includes(v)) {
    throw new RuntimeError(
      'invalidArgument',
      `Unknown container runtime "${value}" (from ${source}).`,
      `Use one of: ${CHOICES.join(', ')}.`,
    );
  }
  return v as RuntimeChoice;
}

/** setting > CONTAINER_RUNTIME > auto. */
export function runtimeChoice(input: SelectionInput): RuntimeChoice {
  const env = input.env ?? process.env;
  if (input.setting && input.setting !== 'auto')
    return parseChoice(input.setting, input.settingSource ?? 'the runtime setting');
  if (env.CONTAINER_RUNTIME) return parseChoice(env.CONTAINER_RUNTIME, 'CONTAINER_RUNTIME');
  return 'auto';
}

/** Apple Containers exists only on macOS on Apple silicon. */
export function appleCanExist(input: Pick<SelectionInput, 'platform' | 'arch'> = {}): boolean {
  return (input.platform ?? process.platform) === 'darwin' && (input.arch ?? process.arch) === 'arm64';
}

/**
 * Whether detection may run Apple's CLI: where Apple Containers can exist, or when the user asked
 * for it (its path set, or the apple runtime chosen). Elsewhere a program that merely happens to be
 * called `container` on PATH is never run.
 */
function mayProbeApple(input: SelectionInput): boolean {
  if (appleCanExist(input) || input.appleCliPath) return true;
  try {
    return runtimeChoice(input) === 'apple';
  } catch {
    return false;
  }
}

function endpointEnv(input: SelectionInput): EndpointEnv {
  return {
    env: input.env,
    platform: input.platform,
    home: input.home,
    exists: input.exists ?? existsSync,
    insecureHosts: input.insecureHosts,
  };
}

/** Where the Docker runtime of these settings connects, and how (TLS, insecure hosts). */
export function dockerEndpointFor(input: SelectionInput = {}): DockerEndpoint {
  return resolveDockerEndpoint(input.dockerHost, endpointEnv(input));
}

/** Creates a runtime object; talks to nothing yet. */
export function createRuntime(id: RuntimeId, input: SelectionInput = {}): ContainerRuntime {
  const o = endpointEnv(input);
  switch (id) {
    case 'docker':
      return new DockerRuntime('docker', dockerEndpointFor(input));
    case 'podman':
      return new PodmanRuntime(resolvePodmanEndpoint(input.podmanHost, o));
    case 'apple':
      return new AppleRuntime({ cliPath: input.appleCliPath });
  }
}

export interface RuntimeAvailability {
  id: RuntimeId;
  label: string;
  available: boolean;
  /** When available. */
  info?: RuntimeInfo;
  /** Where it was looked for. */
  endpoint?: string;
  /** Why not, when not. */
  error?: RuntimeError;
}

/** Order of preference for `auto`: Apple (macOS), then Docker, then Podman. */
const AUTO_ORDER: readonly RuntimeId[] = ['apple', 'docker', 'podman'];

/**
 * Asks every runtime whether it answers, all at once, each with a short time-out. For the picker,
 * `cws runtimes`, and `auto`. Never throws.
 */
export function detectRuntimes(
  input: SelectionInput = {},
  timeoutMs = DETECT_TIMEOUT_MS,
): Promise<RuntimeAvailability[]> {
  return Promise.all(probes(AUTO_ORDER, input, timeoutMs, mayProbeApple(input)));
}

/**
 * How long a runtime has to answer "are you there?". A refused connection or a missing socket
 * fails at once; this bounds an engine that is there but slow (Podman's /version took 5–7 s on a
 * loaded 2-core machine), so it is generous: `auto` does not wait for it when a runtime it prefers
 * has already answered.
 */
export const DETECT_TIMEOUT_MS = 8_000;

function appleNotHere(input: SelectionInput): RuntimeAvailability {
  const where = `${input.platform ?? process.platform}/${input.arch ?? process.arch}`;
  return {
    id: 'apple',
    label: RUNTIME_LABELS.apple,
    available: false,
    error: new RuntimeError(
      'unavailable',
      `Apple Containers runs only on macOS on Apple silicon (this is ${where}).`,
      'To use a `container` CLI anyway, set containerWorkspaces.apple.cliPath or choose the apple runtime.',
    ),
  };
}

function probes(
  ids: readonly RuntimeId[],
  input: SelectionInput,
  timeoutMs: number,
  probeApple: boolean,
): Promise<RuntimeAvailability>[] {
  return ids.map(async (id): Promise<RuntimeAvailability> => {
    if (id === 'apple' && !probeApple) return appleNotHere(input);
    let rt: ContainerRuntime | undefined;
    const deadline = AbortSignal.timeout(timeoutMs);
    try {
      rt = createRuntime(id, input);
      const info = await rt.info(deadline);
      return { id, label: RUNTIME_LABELS[id], available: true, info, endpoint: rt.endpoint };
    } catch (err) {
      let error = err instanceof RuntimeError ? err : new RuntimeError('internal', String(err));
      // Our own deadline aborted the request: to the user that is a runtime that did not answer.
      if (deadline.aborted && error.code === 'cancelled') {
        const where = rt ? ` (${rt.endpoint})` : '';
        const message = `${RUNTIME_LABELS[id]} did not answer within ${timeoutMs / 1000} s${where}.`;
        error = new RuntimeError('timeout', message, startHint(id), { cause: err });
      }
      return { id, label: RUNTIME_LABELS[id], available: false, endpoint: rt?.endpoint, error };
    } finally {
      // Apple's close() resolves once its CLI children have exited: none outlives detection.
      await rt?.close();
    }
  });
}

/**
 * The runtime to use. An explicit choice is returned as is (even when it is not running: its
 * messages then say how to start it). `auto` takes the first that answers of Apple (on macOS on Apple silicon only),
 * Docker, Podman; when none answers, Docker.
 */
export async function resolveRuntimeId(input: SelectionInput = {}, timeoutMs = DETECT_TIMEOUT_MS): Promise<RuntimeId> {
  const choice = runtimeChoice(input);
  if (choice === 'host') {
    throw new RuntimeError(
      'invalidArgument',
      'The runtime is "host": there is no container engine to talk to.',
      'Choose docker, podman or apple, or auto.',
    );
  }
  if (choice !== 'auto') return choice;
  // Off Apple silicon Macs `auto` never picks Apple, so it does not even ask.
  const apple = appleCanExist(input);
  // All asked at once; the first in order of preference that answers wins as soon as those before
  // it have said no (a slow Podman is not waited for once Docker has answered).
  for (const probe of probes(AUTO_ORDER, input, timeoutMs, apple)) {
    const r = await probe;
    if (r.available && (r.id !== 'apple' || apple)) return r.id;
  }
  return 'docker';
}
