// The runtimes the one contract suite (test/engine/runtimeContract.test.ts) runs against.
import { DockerRuntime } from '../../src/runtime/docker/dockerRuntime';
import { PodmanRuntime } from '../../src/runtime/docker/podmanRuntime';
import type { ContainerRuntime, RuntimeId } from '../../src/runtime/types';
import { ENGINE_SOCKETS, TEST_IMAGE, TEST_LABEL, removeTestContainers, requireEngine } from './engines';

export interface ContractTarget {
  /** Shown in the suite title. */
  name: string;
  runtimeId: RuntimeId;
  /** An image the target has locally, whose /bin has sh, sleep, echo, cat. */
  image: string;
  /** Fails in CI / skips elsewhere when the target cannot run here. */
  require(ctx: Mocha.Context): void;
  make(): ContainerRuntime;
  /** Removes what the run created (containers labelled TEST_LABEL=<pid>). */
  cleanup(): Promise<void>;
}

export const CONTRACT_TARGETS: ContractTarget[] = [
  {
    name: 'docker (real dockerd)',
    runtimeId: 'docker',
    image: TEST_IMAGE,
    require: (ctx) => requireEngine(ctx, 'docker'),
    make: () => new DockerRuntime('docker', { url: `unix://${ENGINE_SOCKETS.docker}`, socketPath: ENGINE_SOCKETS.docker }),
    cleanup: () => removeTestContainers('docker'),
  },
  {
    name: 'podman (real Podman socket)',
    runtimeId: 'podman',
    image: TEST_IMAGE,
    require: (ctx) => requireEngine(ctx, 'podman'),
    make: () => new PodmanRuntime({ url: `unix://${ENGINE_SOCKETS.podman}`, socketPath: ENGINE_SOCKETS.podman }),
    cleanup: () => removeTestContainers('podman'),
  },
  // The Apple `container` CLI target (a fake executable replaying the real CLI) is added here.
];

export { TEST_LABEL };
