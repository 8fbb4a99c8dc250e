import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from '../support/paths';

const CRUISER = join(repoRoot, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const CONFIG = join(repoRoot, '.dependency-cruiser.cjs');

/** Runs the project's layer rules over a small tree of files; returns the exit code and report. */
function cruise(files: Record<string, string>): { code: number; report: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cws-layers-'));
  try {
    const all = { 'tsconfig.json': '{"compilerOptions":{"module":"commonjs","strict":true}}', ...files };
    for (const [name, text] of Object.entries(all)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    const r = spawnSync(process.execPath, [CRUISER, 'src', '--config', CONFIG, '--output-type', 'err'], {
      cwd: dir,
      encoding: 'utf8',
    });
    return { code: r.status ?? -1, report: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CLEAN = {
  'src/core/runtime/types.ts': 'export type Id = string;\n',
  'src/core/live/store.ts': "import type { Id } from '../runtime/types';\nexport const ids: Id[] = [];\n",
  'src/shared/protocol.ts': 'export interface Msg { id: string }\n',
  'src/vscode/extension.ts':
    "import * as vscode from 'vscode';\nimport { ids } from '../core/live/store';\n" +
    "import type { Msg } from '../shared/protocol';\nexport const m: Msg = { id: String(ids.length) };\n" +
    'export const v = vscode;\n',
  'src/cli/cws.ts': "import { ids } from '../core/live/store';\nexport const n = ids.length;\n",
  'src/webview/main.ts': "import type { Msg } from '../shared/protocol';\nexport const x: Msg = { id: '' };\n",
};

describe('layer rules (.dependency-cruiser.cjs)', function () {
  this.timeout(60_000);

  it('a tree that keeps the layers passes', () => {
    const r = cruise(CLEAN);
    assert.equal(r.code, 0, r.report);
  });

  it('core importing `vscode` or src/vscode, and webview importing core or node, fail', () => {
    const r = cruise({
      ...CLEAN,
      'src/core/bad.ts':
        "import * as vscode from 'vscode';\nimport { m } from '../vscode/extension';\n" +
        'export const b = [vscode, m];\n',
      'src/webview/bad.ts':
        "import { ids } from '../core/live/store';\nimport { join } from 'node:path';\n" +
        'export const w = [ids, join];\n',
      'src/cli/bad.ts': "import { v } from '../vscode/extension';\nexport const c = v;\n",
    });
    assert.notEqual(r.code, 0);
    for (const rule of [
      'core-imports-only-core: src/core/bad.ts → src/vscode/extension.ts',
      'vscode-module-only-in-src-vscode: src/core/bad.ts → vscode',
      'webview-imports-only-webview-shared: src/webview/bad.ts → src/core/live/store.ts',
      'webview-no-node: src/webview/bad.ts → path',
      'cli-imports-only-cli-core-shared: src/cli/bad.ts → src/vscode/extension.ts',
    ]) {
      assert.ok(r.report.includes(rule), `expected "${rule}" in:\n${r.report}`);
    }
  });

  it('a cycle between two folders fails, even when no single module cycle exists', () => {
    const r = cruise({
      ...CLEAN,
      'src/core/a/one.ts': "import { two } from '../b/two';\nexport const one = two + 1;\n",
      'src/core/a/three.ts': 'export const three = 3;\n',
      'src/core/b/two.ts': 'export const two = 2;\n',
      'src/core/b/four.ts': "import { three } from '../a/three';\nexport const four = three + 1;\n",
    });
    assert.notEqual(r.code, 0);
    assert.match(r.report, /no-folder-cycles: src\/core\/a/);
    assert.doesNotMatch(r.report, /no-module-cycles/);
  });
});
