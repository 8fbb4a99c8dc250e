// `npm run package`: a .vsix under 1 MB holding only what runs; a lean bundle.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/paths';

describe('packaging', function () {
  this.timeout(180_000);
  let files: string[];

  before(() => {
    execFileSync('npm', ['run', 'package', '--silent'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
    const out = execFileSync(
      process.execPath,
      [join(repoRoot, 'node_modules/@vscode/vsce/vsce'), 'ls', '--no-dependencies'],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    files = out
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  });

  it('makes a .vsix under 1 MB', () => {
    const size = statSync(join(repoRoot, 'container-workspaces.vsix')).size;
    console.log(`      container-workspaces.vsix: ${(size / 1024).toFixed(0)} KB`);
    assert.ok(size < 1024 * 1024, `${size} bytes`);
  });

  it('holds only what runs: the bundles, media, manifest and README', () => {
    for (const f of [
      'dist/extension.js',
      'dist/background.js',
      'dist/cws.js',
      'dist/ssh.js',
      'package.json',
      'README.md',
      'media/containers.svg',
      'media/stats.js',
      'media/stats.css',
      'media/stats.svg',
    ]) {
      assert.ok(files.includes(f), `${f} is packaged`);
    }
    const stray = files.filter(
      (f) => /^(src|test|scripts|out|node_modules|\.ci)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts'),
    );
    assert.deepEqual(stray, []);
  });

  it("the release bundle is minified, has dockerode, and leaves BuildKit's grpc/protobuf out", () => {
    const ext = readFileSync(join(repoRoot, 'dist/extension.js'), 'utf8');
    const size = Buffer.byteLength(ext);
    console.log(`      dist/extension.js: ${(size / 1024).toFixed(0)} KB`);
    assert.ok(size < 300 * 1024, `${size} bytes`);
    // Minified: no indented declarations (template literals — shell scripts — keep their own line breaks).
    assert.doesNotMatch(ext, /\n[ \t]+(?:const|let|var) [\w$]+ = /, 'minified');
    assert.ok(size / ext.split('\n').length > 500, 'minified: long lines');
    assert.match(ext, /\/containers\/json/, 'dockerode is bundled');
    assert.doesNotMatch(ext, /@grpc\/grpc-js|protobufjs|ssh2/);
    assert.doesNotMatch(ext, /jsonc|LineCounter/, 'the YAML and JSONC parsers load later, from dist/background.js');
  });

  it('the stats webview bundle is minified and small (≤ 80 KB with its stylesheet)', () => {
    const js = readFileSync(join(repoRoot, 'media/stats.js'), 'utf8');
    const css = statSync(join(repoRoot, 'media/stats.css')).size;
    const size = Buffer.byteLength(js) + css;
    console.log(`      media/stats.js + stats.css: ${(size / 1024).toFixed(1)} KB`);
    assert.ok(size <= 80 * 1024, `${size} bytes`);
    assert.ok(Buffer.byteLength(js) / js.split('\n').length > 500, 'minified: long lines');
    assert.match(js, /acquireVsCodeApi/);
  });

  it('ssh2 sits in its own chunk that loads on demand', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sshAgent = require(join(repoRoot, 'dist/ssh.js')) as unknown;
    assert.equal(typeof sshAgent, 'function');
  });
});
