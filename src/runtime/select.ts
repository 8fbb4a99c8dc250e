import { existsSync } from 'node:fs';
import { RuntimeError } from './errors';
import { DockerRuntime } from './docker/dockerRuntime';
import { PodmanRuntime } from './docker/podmanRuntime';
import { resolveDockerEndpoint, resolvePodmanEndpoint, type EndpointEnv } from './docker/endpoint';
import type { ContainerRuntime, RuntimeId } from './types';
import { RUNTIME_IDS } from './types';

export type RuntimeChoice = RuntimeId | 'auto';
const CHOICES: readonly string[] = ['auto', ...RUNTIME_IDS];

export interface SelectionInput {
  /** The `containerWorkspaces.runtime` setting or the `--runtime` flag. */
  setting?: string;
  /** Where `setting` came from, for messages (default "the runtime setting"). */
  settingSource?: string;
  env?: NodeJS.ProcessEnv;
  /** Engine addresses from settings (empty = resolve as the docker / podman CLIs do). */
  dockerHost?: string;
  podmanHost?: string;
  platform?: NodeJS.Platform;
  exists?: (path: string) => boolean;
}

function parseChoice(value: string, source: string): RuntimeChoice {
  const v = value.trim().toLowerCase();
  if (!CHOICES.includes(v)) {
    throw new RuntimeError('invalidArgument', `Unknown container runtime "${value}" (from ${source}).`, `Use one of: ${CHOICES.join(', ')}.`);
  }
  return v as RuntimeChoice;
}

/** setting > CONTAINER_RUNTIME > auto. */
export function runtimeChoice(input: SelectionInput): RuntimeChoice {
  const env = input.env ?? process.env;
  if (input.setting && input.setting !== 'auto') return parseChoice(input.setting, input.settingSource ?? 'the runtime setting');
  if (env.CONTAINER_RUNTIME) return parseChoice(env.CONTAINER_RUNTIME, 'CONTAINER_RUNTIME');
  return 'auto';
}

/**
 * Which runtime to use, without talking to any engine: explicit choices win; `auto` takes Docker when
 * an address is configured or its socket exists, else Podman when its socket exists, else Docker
 * (whose "not running" message then tells the user what to do).
 */
export function pickRuntimeId(input: SelectionInput): RuntimeId {
  const choice = runtimeChoice(input);
  if (choice !== 'auto') return choice;
  const o = endpointEnv(input);
  const env = input.env ?? process.env;
  const exists = o.exists!;
  if (input.dockerHost || env.DOCKER_HOST) return 'docker';
  const docker = resolveDockerEndpoint(undefined, o);
  if (docker.socketPath && exists(docker.socketPath)) return 'docker';
  const podman = resolvePodmanEndpoint(input.podmanHost, o);
  if (podman.socketPath && exists(podman.socketPath)) return 'podman';
  return 'docker';
}

function endpointEnv(input: SelectionInput): EndpointEnv & { exists: (p: string) => boolean } {
  return { env: input.env, platform: input.platform, exists: input.exists ?? existsSync };
}

export function createRuntime(id: RuntimeId, input: SelectionInput = {}): ContainerRuntime {
  const o = endpointEnv(input);
  switch (id) {
    case 'docker':
      return new DockerRuntime('docker', resolveDockerEndpoint(input.dockerHost, o));
    case 'podman':
      return new PodmanRuntime(resolvePodmanEndpoint(input.podmanHost, o));
    case 'apple':
      throw new RuntimeError('invalidArgument', 'Apple Containers support is not available yet.', 'Choose docker or podman.');
  }
}
