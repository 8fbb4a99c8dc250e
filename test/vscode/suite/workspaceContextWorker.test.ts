// Context detection runs in a worker thread inside the real extension host: a detection over its
// budget or a crashed worker is reported on the folder, the last good context stays, and the
// extension host's main thread keeps running meanwhile.
import * as assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { DETECTION_BUDGET_MS } from '../../../src/core/detection/worker/detectionClient';
import type { ExtensionInternals } from '../../../src/vscode/testAccess';
import { recordFault } from '../../support/tally';
import { extensionInternals, waitFor } from './helpers';

describe('workspace container context in a worker thread', function () {
  this.timeout(60_000);
  let ext: ExtensionInternals;
  let folder: vscode.WorkspaceFolder;
  const trigger = () => join(folder.uri.fsPath, `.cws-test-worker-${process.pid}.yaml`);
  const folderWarning = () =>
    vscode.languages.getDiagnostics(folder.uri).find((d) => d.source === 'Container Workspaces');

  before(async () => {
    ext = await extensionInternals();
    folder = vscode.workspace.workspaceFolders![0];
    await ext.workspaceContext.ready;
  });
  afterEach(() => {
    ext.workspaceContext.detection!.budgetMs = DETECTION_BUDGET_MS;
    ext.workspaceContext.testHooks = undefined;
  });
  after(() => rmSync(trigger(), { force: true }));

  it('detects in the worker (dist/detectionWorker.js), not on the main thread', () => {
    assert.ok(ext.workspaceContext.detection, 'dist/detectionWorker.js was loaded');
    assert.equal(ext.workspaceContext.detection.inProcess, false, 'fell back to in-process detection');
    assert.ok(ext.workspaceContext.detection.workersStarted >= 1);
    assert.ok(ext.workspaceContext.get(folder), 'the folder was detected');
  });

  /** Changes a YAML file detection reads (a comment only: it adds nothing to the context). */
  const touch = (n: number) => writeFileSync(trigger(), `# cws test ${n}\n`);

  async function stoppedDetection(
    hooks: NonNullable<typeof ext.workspaceContext.testHooks>,
    message: RegExp,
  ): Promise<void> {
    // Settle first: an earlier test's clean-up may still be on its way to a re-detection.
    const stale = ext.workspaceContext.get(folder);
    touch(0);
    await waitFor('a fresh detection', () => ext.workspaceContext.get(folder) !== stale || undefined, 30_000);
    const before = ext.workspaceContext.get(folder)!;
    const keys = { ...ext.workspaceContext.contextKeys };
    ext.workspaceContext.detection!.budgetMs = 1000;
    ext.workspaceContext.testHooks = hooks;
    let ticks = 0;
    const t = setInterval(() => ticks++, 20);
    try {
      touch(1);
      const warning = await waitFor('the folder warning', folderWarning, 30_000);
      assert.match(warning.message, message);
      assert.equal(warning.severity, vscode.DiagnosticSeverity.Warning);
      assert.ok(ticks >= 5, `the extension host's main thread ticked ${ticks} times`);
    } finally {
      clearInterval(t);
    }
    assert.equal(ext.workspaceContext.get(folder), before, 'the last good context is kept');
    assert.deepEqual(ext.workspaceContext.contextKeys, keys, 'the context keys are unchanged');

    ext.workspaceContext.detection!.budgetMs = DETECTION_BUDGET_MS;
    ext.workspaceContext.testHooks = undefined;
    touch(2);
    await waitFor('the folder warning to clear', () => (folderWarning() ? undefined : true), 30_000);
    assert.deepEqual(ext.workspaceContext.get(folder), before, 'the next detection finds the same context');
  }

  it('a detection over its budget is stopped and reported on the folder; the context stays', async () => {
    const started = ext.workspaceContext.detection!.workersStarted;
    await stoppedDetection(
      { busyMs: 120_000 },
      new RegExp(
        `^Detection of ${folder.name} took longer than 1 s and was stopped; the container context may be incomplete\\.$`,
      ),
    );
    assert.ok(ext.workspaceContext.detection!.workersStarted > started, 'a new worker replaced the stopped one');
    recordFault('detection worker over budget in the extension host', true);
  });

  it('a crashed detection worker is reported on the folder, and detection recovers', async () => {
    await stoppedDetection(
      { crash: 'throw' },
      new RegExp(`^Detection of ${folder.name} stopped unexpectedly \\(test crash inside the detection worker\\)`),
    );
    recordFault('detection worker crash in the extension host', true);
  });
});
