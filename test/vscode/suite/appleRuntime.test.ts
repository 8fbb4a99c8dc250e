// The Apple Containers runtime in the real extension host, through the fake `container` CLI (the
// real one runs only on macOS): its containers in the view, polled while visible, and no Pause.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { ExtensionInternals } from '../../../src/vscode/testAccess';
import type { ContainerNode } from '../../../src/vscode/views/containers/containersTree';
import { fakeSupervisors, removeFakeState } from '../../support/appleFake';
import { repoRoot } from '../../support/paths';
import { extensionInternals, setSetting, waitFor } from './helpers';

const run = promisify(execFile);
const fake = join(repoRoot, 'test/fakes/container');

describe('Apple Containers (fake container CLI)', function () {
  this.timeout(60_000);
  let ext: ExtensionInternals;
  let state: string;
  const savedState = process.env.CWS_FAKE_CONTAINER_STATE;
  const cli = (args: string[]) => run(fake, args, { env: { ...process.env, CWS_FAKE_CONTAINER_STATE: state } });
  const calls = () => {
    try {
      return readFileSync(join(state, 'calls.log'), 'utf8').split('\n').filter(Boolean).length;
    } catch {
      return 0;
    }
  };

  before(async () => {
    ext = await extensionInternals();
    state = mkdtempSync(join(tmpdir(), 'cws-exthost-apple-'));
    // The extension host runs the CLI with its own environment: the fake reads its state dir from it.
    process.env.CWS_FAKE_CONTAINER_STATE = state;
    await cli(['create', '--name', 'cws-apple-web', 'docker.io/library/busybox:latest', 'sleep', '300']);
    await cli(['start', 'cws-apple-web']);
  });
  after(async () => {
    await setSetting('runtime', undefined);
    await setSetting('apple.cliPath', undefined);
    // The session closes the Apple runtime and waits for its CLI children before it looks again;
    // once it has settled elsewhere nothing of the extension runs the fake any more.
    await waitFor(
      'the session to leave Apple',
      () => (ext.session.runtimeId !== 'apple' && ext.session.state !== 'checking') || undefined,
    );
    const known = fakeSupervisors(state);
    await cli(['delete', '--all', '--force']).catch(() => undefined);
    if (savedState === undefined) delete process.env.CWS_FAKE_CONTAINER_STATE;
    else process.env.CWS_FAKE_CONTAINER_STATE = savedState;
    // Removing the folder while one of the fake's processes still writes in it fails (ENOTEMPTY).
    await removeFakeState(state, known);
  });

  it("lists the CLI's containers; Pause is not offered; a new one shows up by polling", async () => {
    await vscode.commands.executeCommand('containerWorkspaces.containers.focus');
    await setSetting('apple.cliPath', fake);
    await setSetting('runtime', 'apple');
    await waitFor(
      'Apple ready',
      () => (ext.session.runtimeId === 'apple' && ext.session.state === 'ready') || undefined,
    );
    const web = await waitFor('the container', () =>
      ext.containers.containers.find((c) => c.name === 'cws-apple-web' && c.state === 'running'),
    );
    const node = (await ext.containers.getChildren()).find(
      (n): n is ContainerNode => n.kind === 'container' && n.container.id === web.id,
    )!;
    const item = ext.containers.getTreeItem(node);
    assert.equal(item.contextValue, 'container.running.canRestart', 'no canPause');
    await cli(['create', '--name', 'cws-apple-new', 'docker.io/library/busybox:latest', 'sleep', '300']);
    await waitFor(
      'the new container, without a refresh',
      () => ext.containers.containers.find((c) => c.name === 'cws-apple-new'),
      10_000,
    );
  });

  it('hidden: the CLI is not run', async () => {
    await vscode.commands.executeCommand('workbench.view.explorer');
    await waitFor('hidden', () => (!ext.containersView.visible && !ext.servicesView.visible) || undefined);
    await new Promise((r) => setTimeout(r, 500));
    const n = calls();
    await new Promise((r) => setTimeout(r, 7_000));
    assert.equal(calls(), n, 'no CLI call in 7 s (the poll is every 3 s while visible)');
  });

  it('the stats panel samples through the CLI about every 2 s, CPU % from two samples; closed, no more stats calls', async () => {
    await setSetting('apple.cliPath', fake);
    await setSetting('runtime', 'apple');
    await waitFor(
      'Apple ready',
      () => (ext.session.runtimeId === 'apple' && ext.session.state === 'ready') || undefined,
    );
    const web = (await ext.session.runtime!.listContainers({ all: true })).find((c) => c.name === 'cws-apple-web')!;
    const statsCalls = () => {
      try {
        return readFileSync(join(state, 'calls.log'), 'utf8')
          .split('\n')
          .filter((l) => l.includes('"stats"')).length;
      } catch {
        return 0;
      }
    };
    const p = ext.stats.show(web.id);
    try {
      await waitFor('five points', () => (p.history(web.id).length >= 5 ? true : undefined), 40_000);
      const h = p.history(web.id);
      // A sample is stamped when its CLI call returns: on a busy machine one call takes a second
      // longer than the next, so single gaps (and the CPU % over them) jitter by that much; over
      // four gaps the cadence and the CPU use show through.
      const gaps = h.slice(1).map((pt, k) => pt.t - h[k].t);
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      assert.ok(mean(gaps) >= 1700 && mean(gaps) < 3000, `about 0.5 Hz: gaps ${gaps.join(', ')} ms`);
      assert.ok(
        gaps.every((g) => g >= 500),
        `no burst: gaps ${gaps.join(', ')} ms`,
      );
      const cpu = mean(h.slice(1).map((pt) => pt.cpu));
      assert.ok(Math.abs(cpu - 25) < 5, `CPU ${cpu.toFixed(1)} % on average (the fake burns 25 %)`);
      assert.ok(h.every((pt) => pt.memLimit > 0 && pt.pids >= 1));
    } finally {
      p.dispose();
    }
    await new Promise((r) => setTimeout(r, 500));
    const n = statsCalls();
    await new Promise((r) => setTimeout(r, 5_000));
    assert.equal(statsCalls(), n, 'no stats call after the panel closed');
  });
});
