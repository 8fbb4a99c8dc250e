// shutdownAction as the window closes, on dockerd and Podman: what the extension's deactivate()
// runs (ShutdownActions.run) stops the container a config with "stopContainer" made, and with
// "stopCompose" every running container of its Compose project; the others keep running.
import * as assert from 'node:assert/strict';
import { LABELS } from '../../src/core/runtime/labels';
import type { ContainerRuntime } from '../../src/core/runtime/types';
import { ShutdownActions } from '../../src/vscode/shutdown/shutdownActions';
import {
  engineCli,
  engineRuntime,
  removeTestContainers,
  requireEngine,
  runTestContainer,
  uniqueName,
  type EngineId,
} from '../support/engines';

for (const engine of ['docker', 'podman'] as EngineId[]) {
  describe(`shutdownAction on ${engine} (real engine)`, function () {
    this.timeout(120_000);
    let rt: ContainerRuntime;
    before(function () {
      requireEngine(this, engine);
      rt = engineRuntime(engine);
    });
    after(async () => {
      if (!rt) return;
      await removeTestContainers(engine).catch(() => undefined);
      void rt.close();
    });

    const state = (id: string) => engineCli(engine, ['inspect', '-f', '{{.State.Running}}', id]);

    it('stopContainer stops that container; stopCompose its whole project; the rest keep running', async () => {
      const project = uniqueName('cwsshut');
      const sleep = ['sleep', '600'];
      const alone = await runTestContainer(engine, uniqueName('cws-shut-alone'), sleep);
      const bystander = await runTestContainer(engine, uniqueName('cws-shut-other'), sleep);
      const inProject = (n: string) =>
        runTestContainer(engine, uniqueName(`cws-shut-${n}`), sleep, {
          flags: ['--label', `${LABELS.composeProject}=${project}`],
        });
      const app = await inProject('app');
      const db = await inProject('db');
      const actions = new ShutdownActions();
      actions.record({ containerId: alone, action: 'stopContainer' });
      actions.record({ containerId: app, action: 'stopCompose' });
      await actions.run(rt);
      assert.deepEqual(await Promise.all([alone, app, db, bystander].map(state)), ['false', 'false', 'false', 'true']);
      // Nothing recorded, or no runtime: nothing is asked of the engine.
      await new ShutdownActions().run(rt);
      await actions.run(undefined);
      assert.equal(await state(bystander), 'true');
    });
  });
}
