// Workspace context detection inside the real VS Code: context keys, and diagnostics for broken files.
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionInternals } from '../../../src/vscode/testAccess';
import { extensionInternals, waitFor } from './helpers';

describe('workspace container context', function () {
  this.timeout(60_000);
  let ext: ExtensionInternals;
  let folder: vscode.WorkspaceFolder;

  before(async () => {
    ext = await extensionInternals();
    folder = vscode.workspace.workspaceFolders![0];
    await ext.workspaceContext.ready;
  });

  it("detects the sample's Compose services and Dockerfile, and sets the context keys", () => {
    const ctx = ext.workspaceContext.get(folder)!;
    assert.ok(ctx, 'detected');
    assert.equal(ctx.primary, 'compose');
    assert.deepEqual(
      ctx.composeProjects.map((p) => [p.name, p.services.map((s) => s.name).sort()]),
      [['cws-sample', ['app', 'worker']]],
    );
    assert.deepEqual(
      ctx.dockerfiles.map((d) => d.stages.map((s) => s.baseImage)),
      [['localhost/cws-test/busybox:latest']],
    );
    assert.deepEqual(ctx.diagnostics, []);
    assert.equal(ext.workspaceContext.contextKeys['containerWorkspaces.hasCompose'], true);
    assert.equal(ext.workspaceContext.contextKeys['containerWorkspaces.hasDockerfile'], true);
    assert.equal(ext.workspaceContext.contextKeys['containerWorkspaces.hasDevcontainer'], false);
    assert.equal(ext.workspaceContext.contextKeys['containerWorkspaces.hasKubernetes'], false);
  });

  describe('a broken Compose file', () => {
    const dir = () => join(folder.uri.fsPath, `.cws-test-broken-${process.pid}`);
    after(() => rmSync(dir(), { recursive: true, force: true }));

    it('shows a diagnostic at the right line, keeps the rest detected, and clears once fixed', async () => {
      mkdirSync(dir(), { recursive: true });
      // Let the recursive file watcher pick up the new directory before a file appears in it.
      await new Promise((r) => setTimeout(r, 1000));
      const file = join(dir(), 'compose.yaml');
      // Line 4 (0-based 3) has a tab in its indentation: a YAML error.
      writeFileSync(file, 'services:\n  web:\n    image: nginx\n\tports: ["80:80"]\n');
      const uri = vscode.Uri.file(file);
      const diags = await waitFor(
        'a diagnostic',
        () => {
          const d = vscode.languages.getDiagnostics(uri);
          return d.length ? d : undefined;
        },
        20_000,
      );
      assert.equal(diags[0].severity, vscode.DiagnosticSeverity.Error);
      assert.equal(diags[0].range.start.line, 3);
      assert.equal(diags[0].source, 'Compose');
      const ctx = ext.workspaceContext.get(folder)!;
      assert.ok(
        ctx.composeProjects.some((p) => p.name === 'cws-sample'),
        'the sample project is still detected',
      );
      assert.equal(ext.workspaceContext.contextKeys['containerWorkspaces.hasCompose'], true);

      const changes: string[][] = [];
      const sub = ext.workspaceContext.onDidChange((e) => changes.push(e.changed));
      writeFileSync(file, 'services:\n  web:\n    image: nginx\n    ports: ["80:80"]\n');
      await waitFor(
        'the diagnostic to clear',
        () => (vscode.languages.getDiagnostics(uri).length === 0 ? true : undefined),
        20_000,
      );
      await waitFor(
        'the fixed project',
        () =>
          ext.workspaceContext.get(folder)!.composeProjects.some((p) => p.services.some((s) => s.name === 'web')) ||
          undefined,
      );
      sub.dispose();
      assert.ok(
        changes.some((c) => c.includes('compose') && c.includes('diagnostics')),
        JSON.stringify(changes),
      );
    });
  });
});
