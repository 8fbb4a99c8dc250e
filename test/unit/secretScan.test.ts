// scripts/lib/secretScan.mjs, the end-of-run check that no secret set during the suite is in any
// log: it finds a secret wherever it is (also across its read chunks), and it cannot be made to
// hang or to read without bound (a FIFO, a link to a FIFO, a sparse huge file).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../support/paths';
import { tryBadInput } from '../support/tally';

interface ScanModule {
  scanForSecrets: (
    roots: string[],
    secrets: string[],
    o?: { skipped?: string[] },
  ) => { file: string; secret: string }[];
  defaultScanRoots: (repoRoot: string, tmp?: string) => string[];
  MAX_FILE_BYTES: number;
}
const load = async () => (await import(pathToFileURL(join(repoRoot, 'scripts/lib/secretScan.mjs')).href)) as ScanModule;

describe('secret scan (scripts/lib/secretScan.mjs)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'secretscan-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const secret = 'cws-s3cr3t-0123456789abcdef';
  const password = 'cws-regpw-fedcba9876543210';

  it('finds each secret in the files that hold it, nested, and nothing elsewhere', async () => {
    const { scanForSecrets } = await load();
    mkdirSync(join(dir, 'a/b/c'), { recursive: true });
    writeFileSync(join(dir, 'a/clean.log'), 'nothing to see\n');
    writeFileSync(join(dir, 'a/b/c/exthost.log'), `line\nTOKEN=${secret}\n`);
    writeFileSync(join(dir, 'a/b/both.txt'), `${password} and ${secret}`);
    const found = scanForSecrets([join(dir, 'a'), join(dir, 'missing')], [secret, password]);
    assert.deepEqual(
      found.map((f) => [f.file.slice(dir.length), f.secret]).sort(),
      [
        ['/a/b/both.txt', password],
        ['/a/b/both.txt', secret],
        ['/a/b/c/exthost.log', secret],
      ].sort(),
    );
  });

  it('finds a secret that straddles two read chunks', async () => {
    const { scanForSecrets } = await load();
    const file = join(dir, 'straddle.log');
    const before = 1024 * 1024 - 7; // the chunk is 1 MiB: the secret starts 7 bytes before its end
    writeFileSync(file, Buffer.concat([Buffer.alloc(before, 'x'), Buffer.from(secret), Buffer.alloc(100, 'y')]));
    assert.deepEqual(scanForSecrets([file], [secret]), [{ file, secret }]);
  });

  it('a FIFO and a link to it are not opened (no hang); a huge sparse file is skipped and reported', async () => {
    const { scanForSecrets, MAX_FILE_BYTES } = await load();
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    execFileSync('mkfifo', [join(bad, 'pipe.log')]);
    symlinkSync(join(bad, 'pipe.log'), join(bad, 'link.log'));
    const huge = join(bad, 'huge.log');
    writeFileSync(huge, secret);
    truncateSync(huge, MAX_FILE_BYTES + 1);
    const skipped: string[] = [];
    const r = await tryBadInput('secret scan: FIFO, link to a FIFO, huge sparse file', () =>
      scanForSecrets([bad], [secret], { skipped }),
    );
    assert.deepEqual(r.value, []);
    assert.deepEqual(skipped, [huge]);
  });

  it('refuses a secret too short to mean anything', async () => {
    const { scanForSecrets } = await load();
    assert.throws(() => scanForSecrets([dir], ['abc']), /too short/);
  });

  it('the default roots: test-results, the code-server logs, the engines, /tmp/cws-*.log', async () => {
    const { defaultScanRoots } = await load();
    const tmp = mkdtempSync(join(dir, 'tmp-'));
    for (const d of ['cws-vscode-abc', 'cws-engines', 'cws-create-x']) mkdirSync(join(tmp, d));
    writeFileSync(join(tmp, 'cws-dockerd.log'), '');
    writeFileSync(join(tmp, 'other.log'), '');
    assert.deepEqual(defaultScanRoots('/repo', tmp).sort(), [
      '/repo/test-results',
      join(tmp, 'cws-dockerd.log'),
      join(tmp, 'cws-engines'),
      join(tmp, 'cws-vscode-abc/ud/logs'),
    ]);
  });
});
