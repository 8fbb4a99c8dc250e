import { existsSync } from 'node:fs';
import { AppleRuntime } from './apple/appleRuntime';
import { DockerRuntime } from './docker/dockerRuntime';
import { resolveDockerEndpoint, resolvePodmanEndpoint, type EndpointEnv } from './docker/endpoint';
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
  home?: string;
  exists?: (path: string) => boolean;
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

function endpointEnv(input: SelectionInput): EndpointEnv {
  return { env: input.env, platform: input.platform, home: input.home, exists: input.exists ?? existsSync };
}

/** Creates a runtime object; talks to nothing yet. */
export function createRuntime(id: RuntimeId, input: SelectionInput = {}): ContainerRuntime {
  const o = endpointEnv(input);
  switch (id) {
    case 'docker':
      return new DockerRuntime('docker', resolveDockerEndpoint(input.dockerHost, o));
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
export async function detectRuntimes(input: SelectionInput = {}, timeoutMs = 2_000): Promise<RuntimeAvailability[]> {
  return Promise.all(
    AUTO_ORDER.map(async (id): Promise<RuntimeAvailability> => {
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
        rt?.close();
      }
    }),
  );
}

/**
 * The runtime to use. An explicit choice is returned as is (even when it is not running: its
 * messages then say how to start it). `auto` takes the first that answers of Apple (on macOS only),
 * Docker, Podman; when none answers, Docker.
 */
export async function resolveRuntimeId(input: SelectionInput = {}, timeoutMs = 2_000): Promise<RuntimeId> {
  const choice = runtimeChoice(input);
  if (choice === 'host') {
    throw new RuntimeError(
      'invalidArgument',
      'The runtime is "host": there is no container engine to talk to.',
      'Choose docker, podman or apple, or auto.',
    );
  }
  if (choice !== 'auto') return choice;
  const platform = input.platform ?? process.platform;
  const found = await detectRuntimes(input, timeoutMs);
  const usable = found.filter((r) => r.available && (r.id !== 'apple' || platform === 'darwin'));
  return usable[0]?.id ?? 'docker';
}
