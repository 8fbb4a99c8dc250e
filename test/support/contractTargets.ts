// The runtimes the one contract suite (test/engine/runtimeContract.test.ts) runs against.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppleRuntime } from '../../src/core/runtime/apple/appleRuntime';
import { DockerRuntime } from '../../src/core/runtime/docker/dockerRuntime';
import { PodmanRuntime } from '../../src/core/runtime/docker/podmanRuntime';
import type { ContainerRuntime, RuntimeId } from '../../src/core/runtime/types';
import { removeFakeState } from './appleFake';
import { repoRoot } from './paths';
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
    make: () =>
      new DockerRuntime('docker', { url: `unix://${ENGINE_SOCKETS.docker}`, socketPath: ENGINE_SOCKETS.docker }),
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
  ((): ContractTarget => {
    // One state directory per run of the suite, shared by the runtimes make() returns until cleanup.
    const fake = join(repoRoot, 'test/fakes/container');
    let stateDir: string | undefined;
    return {
      name: 'apple (fake container CLI)',
      runtimeId: 'apple',
      image: 'docker.io/library/busybox:latest',
      require: () => undefined, // the fake is part of this repository: never skipped
      make: () => {
        stateDir ??= mkdtempSync(join(tmpdir(), 'cws-apple-contract-'));
        return new AppleRuntime({ cliPath: fake, env: { CWS_FAKE_CONTAINER_STATE: stateDir } });
      },
      cleanup: async () => {
        if (!stateDir) return;
        const dir = stateDir;
        stateDir = undefined;
        // Stops what still runs (the fake's init processes are real host processes), then drops the state.
        await new Promise<void>((done) =>
          execFile(
            fake,
            ['delete', '--all', '--force'],
            { env: { ...process.env, CWS_FAKE_CONTAINER_STATE: dir }, timeout: 30_000 },
            () => done(),
          ),
        );
        await removeFakeState(dir);
      },
    };
  })(),
];

export { TEST_LABEL };
