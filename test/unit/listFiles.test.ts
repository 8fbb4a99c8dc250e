import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { excludeMatcher, globToRegExp } from '../../src/core/detection/glob';
import { listFiles } from '../../src/core/detection/listFiles';

describe('exclude globs as VS Code writes them', () => {
  it('matches **, *, ?, {a,b} and directories with everything below them', () => {
    const m = (p: string, path: string) => globToRegExp(p).test(path);
    assert.ok(m('**/node_modules', 'a/b/node_modules'));
    assert.ok(m('**/node_modules', 'node_modules/x/y.js'), 'a directory pattern covers its contents');
    assert.ok(m('**/*.log', 'x/y/z.log'));
    assert.ok(!m('*.log', 'x/z.log'), 'no slash: from the root only');
    assert.ok(m('docs/{a,b}.md', 'docs/b.md'));
    assert.ok(m('tmp/?.txt', 'tmp/1.txt'));
    assert.ok(!m('tmp/?.txt', 'tmp/12.txt'));
    assert.ok(m('**/.git', '.git'));
    assert.ok(m('build/[ab]*', 'build/abc'));
  });

  it('only `true` entries exclude', () => {
    const ex = excludeMatcher(
      { '**/gen': true, '**/keep': false, '**/cond': { when: '$(basename).ts' } },
      { 'vendor2/**': true },
    );
    assert.deepEqual(['gen/x', 'keep/x', 'cond/x', 'vendor2/a/b', 'src/x'].map(ex), [true, false, false, true, false]);
  });
});

describe('listing a folder', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'cws-list-'));
    const f = (p: string) => {
      mkdirSync(join(root, p, '..'), { recursive: true });
      writeFileSync(join(root, p), '');
    };
    [
      'Dockerfile',
      'app/compose.yaml',
      'node_modules/pkg/Dockerfile',
      '.git/HEAD',
      'gen/compose.yml',
      'a/b/c/d/e/deep.yaml',
      'dist/x.yaml',
    ].forEach(f);
    symlinkSync(root, join(root, 'app', 'loop')); // a symbolic link back to the root: a loop if followed
    symlinkSync(join(root, 'Dockerfile'), join(root, 'link-to-Dockerfile'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('skips dependency and build folders, excluded paths and symbolic links', async () => {
    const { files, truncated } = await listFiles(root, { exclude: excludeMatcher({ '**/gen': true }) });
    assert.deepEqual(files.sort(), ['Dockerfile', 'a/b/c/d/e/deep.yaml', 'app/compose.yaml']);
    assert.equal(truncated, false);
  });

  it('stops at the depth and file-count limits, and says it was cut short', async () => {
    assert.ok(!(await listFiles(root, { maxDepth: 2 })).files.includes('a/b/c/d/e/deep.yaml'));
    const capped = await listFiles(root, { maxFiles: 2 });
    assert.deepEqual([capped.files.length, capped.truncated], [2, true]);
  });

  it('a folder that does not exist lists nothing, without an error', async () => {
    assert.deepEqual(await listFiles(join(root, 'nope')), { files: [], truncated: false, special: [], unreadable: [] });
  });
});
