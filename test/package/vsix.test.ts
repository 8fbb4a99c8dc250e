// `npm run package`: a .vsix under 1 MB holding only what runs, ready for the marketplace (license,
// icon, repository, localised manifest); a lean bundle.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/paths';
import { readZip } from './zip';

/** What may be in the .vsix (vsce lower-cases readme and changelog, and adds .txt to LICENSE). */
const SHIPPED = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/(package\.json|package\.nls(\.[\w-]+)?\.json|readme\.md|changelog\.md|LICENSE\.txt)$/,
  /^extension\/dist\/(extension|background|detectionWorker|cws|ssh|tar)\.js$/,
  /^extension\/l10n\/bundle\.l10n(\.[\w-]+)?\.json$/,
  /^extension\/media\/[\w.-]+\.(js|css|svg|png)$/,
  /^extension\/media\/walkthrough\/[\w.-]+\.md$/,
];

describe('packaging', function () {
  this.timeout(180_000);
  let files: string[];
  let vsix: Map<string, Buffer>;
  const text = (name: string) => {
    const b = vsix.get(name);
    assert.ok(b, `${name} is in the .vsix`);
    return b.toString('utf8');
  };

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
    vsix = readZip(readFileSync(join(repoRoot, 'container-workspaces.vsix')));
  });

  it('makes a .vsix under 1 MB', () => {
    const size = statSync(join(repoRoot, 'container-workspaces.vsix')).size;
    console.log(`      container-workspaces.vsix: ${(size / 1024).toFixed(0)} KB`);
    assert.ok(size < 1024 * 1024, `${size} bytes`);
  });

  it('holds only what runs: the bundles, media, manifest and its strings, README, CHANGELOG, LICENSE', () => {
    for (const f of [
      'dist/extension.js',
      'dist/background.js',
      'dist/detectionWorker.js',
      'dist/cws.js',
      'dist/ssh.js',
      'dist/tar.js',
      'package.json',
      'package.nls.json',
      'l10n/bundle.l10n.json',
      'README.md',
      'CHANGELOG.md',
      'LICENSE',
      'media/icon.png',
      'media/containers.svg',
      'media/stats.js',
      'media/stats.css',
      'media/stats.svg',
      'media/walkthrough/selectRuntime.md',
    ]) {
      assert.ok(files.includes(f), `${f} is packaged`);
    }
    const stray = files.filter(
      (f) =>
        /^(src|test|scripts|out|node_modules|\.ci|\.vscode|\.git)\//.test(f) ||
        /^(\.|tsconfig|eslint|esbuild|package-lock)/.test(f) ||
        /\.(map|ts|mjs|cjs|vsix)$/.test(f),
    );
    assert.deepEqual(stray, []);
    // And what the archive holds, entry by entry: nothing outside the list of what may ship.
    assert.deepEqual(
      [...vsix.keys()].filter((name) => !SHIPPED.some((re) => re.test(name))),
      [],
    );
  });

  it('is marketplace-ready: LICENSE, icon, repository, and the English texts for every %key%', () => {
    assert.match(
      text('extension/LICENSE.txt'),
      /^MIT License\n\nCopyright \(c\) 2026 Container Workspaces contributors/,
    );
    const icon = vsix.get('extension/media/icon.png');
    assert.ok(icon, 'the icon is packaged');
    assert.deepEqual([icon.readUInt32BE(16), icon.readUInt32BE(20)], [128, 128], 'a 128×128 PNG');
    const manifest = JSON.parse(text('extension/package.json')) as { icon: string; l10n: string };
    assert.equal(manifest.icon, 'media/icon.png');
    assert.equal(manifest.l10n, './l10n');
    const nls = JSON.parse(text('extension/package.nls.json')) as Record<string, string>;
    JSON.parse(text('extension/l10n/bundle.l10n.json'));
    const keys = [...text('extension/package.json').matchAll(/"%([\w.-]+)%"/g)].map((m) => m[1]);
    assert.ok(keys.length > 60, `${keys.length} localised strings`);
    assert.deepEqual(
      keys.filter((k) => typeof nls[k] !== 'string'),
      [],
      'every %key% has its text in package.nls.json',
    );
    // The marketplace listing shows the texts, not the keys.
    const vsixManifest = text('extension.vsixmanifest');
    assert.match(vsixManifest, /<DisplayName>Container Workspaces<\/DisplayName>/);
    assert.doesNotMatch(vsixManifest, /%[\w.-]+%/);
    assert.match(vsixManifest, /extension\/media\/icon\.png/);
    assert.match(vsixManifest, /extension\/LICENSE\.txt/);
    assert.match(vsixManifest, /github\.com\/container-workspaces\/container-workspaces/);
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
    assert.doesNotMatch(ext, /ReadableState/, "Node's own streams, not readable-stream's copy of them");
    assert.doesNotMatch(ext, /ustar|pax-header|mtime.*mode.*uid/i, 'tar-fs loads later, from dist/tar.js');
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

  it('ssh2 and tar-fs sit in their own chunks that load on demand', () => {
    /* eslint-disable @typescript-eslint/no-require-imports -- the chunks are plain CommonJS files */
    const sshAgent = require(join(repoRoot, 'dist/ssh.js')) as unknown;
    const tar = require(join(repoRoot, 'dist/tar.js')) as { pack?: unknown };
    /* eslint-enable @typescript-eslint/no-require-imports */
    assert.equal(typeof sshAgent, 'function');
    assert.equal(typeof tar.pack, 'function');
  });
});
