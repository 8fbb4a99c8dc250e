// Extracting a Feature's archive: the tar dialects real tools write (ustar prefix, GNU long names,
// pax paths, GNU tar itself), links that stay inside, and every limit (bytes, entries, name length,
// depth, truncation, checksum) ending in a clear error.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { extractTar, extractTarFile, TarError } from '../../src/core/registry/tar';
import { paxRecord, tarOf, type TarEntry } from '../support/ociPublish';

describe('tar extraction of a Feature archive', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cws-tar-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const extract = (entries: TarEntry[] | Buffer, o = {}) =>
    extractTar(Readable.from([Buffer.isBuffer(entries) ? entries : tarOf(entries)]), join(dir, 'out'), o);
  const out = (p: string) => join(dir, 'out', p);

  it('files, directories, modes (setuid dropped), ./ prefixes', async () => {
    const r = await extract([
      { name: './', type: '5' },
      { name: './bin/', type: '5', mode: 0o755 },
      { name: './bin/run', content: '#!/bin/sh', mode: 0o4755 },
      { name: 'README', content: 'hi' },
    ]);
    assert.deepEqual(r, { files: 2, directories: 1, links: 0, bytes: 11 });
    assert.equal(readFileSync(out('README'), 'utf8'), 'hi');
    assert.equal(statSync(out('bin/run')).mode & 0o7777, 0o755);
  });

  it('reads what GNU tar writes, gzip or not, long names included', async () => {
    const src = join(dir, 'src');
    const long = `${'d'.repeat(120)}/${'f'.repeat(150)}.txt`;
    mkdirSync(join(src, 'd'.repeat(120)), { recursive: true });
    writeFileSync(join(src, long), 'long');
    writeFileSync(join(src, 'install.sh'), 'echo ok', { mode: 0o755 });
    for (const format of ['gnu', 'pax', 'ustar']) {
      if (format === 'ustar') rmSync(join(src, 'd'.repeat(120)), { recursive: true }); // ustar caps names at 255
      const tar = execFileSync('tar', [`--format=${format}`, '-C', src, '-cf', '-', '.']);
      for (const [i, bytes] of [tar, gzipSync(tar)].entries()) {
        const file = join(dir, `a-${format}-${i}`);
        writeFileSync(file, bytes);
        const dest = join(dir, `x-${format}-${i}`);
        await extractTarFile(file, dest);
        assert.equal(readFileSync(join(dest, 'install.sh'), 'utf8'), 'echo ok', format);
        if (format !== 'ustar') assert.equal(readFileSync(join(dest, long), 'utf8'), 'long', format);
      }
    }
  });

  it('ustar prefix, GNU L records and pax path records name the next entry', async () => {
    const h = Buffer.from(tarOf([{ name: 'short', content: 'p' }]));
    // Put "pre/fix" in the ustar prefix field and fix the checksum.
    h.write('pre/fix', 345, 'utf8');
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += h[i];
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    await extract(h);
    assert.equal(readFileSync(out('pre/fix/short'), 'utf8'), 'p');
    await extract([
      { name: '././@LongLink', type: 'L', content: 'gnu/long/name.txt\0' },
      { name: 'truncated', content: 'g' },
      { name: 'PaxHeader', type: 'x', content: paxRecord('path', 'pax/named.txt') },
      { name: 'ignored', content: 'x' },
    ]);
    assert.equal(readFileSync(out('gnu/long/name.txt'), 'utf8'), 'g');
    assert.equal(readFileSync(out('pax/named.txt'), 'utf8'), 'x');
  });

  it('links inside: a symlink is kept, a hard link becomes a copy', async () => {
    await extract([
      { name: 'lib/real.sh', content: 'echo real' },
      { name: 'bin/tool', type: '2', linkname: '../lib/real.sh' },
      { name: 'copy.sh', type: '1', linkname: 'lib/real.sh' },
    ]);
    assert.equal(readlinkSync(out('bin/tool')), '../lib/real.sh');
    assert.ok(lstatSync(out('copy.sh')).isFile());
    assert.equal(readFileSync(out('copy.sh'), 'utf8'), 'echo real');
  });

  it('a later entry replaces an earlier symlink rather than writing through it', async () => {
    writeFileSync(join(dir, 'victim'), 'safe');
    await assert.rejects(
      extract([
        { name: 'x', type: '2', linkname: '../victim' },
        { name: 'x', content: 'owned' },
      ]),
      /points outside the archive/,
    );
    await extract([
      { name: 'a', content: 'target' },
      { name: 'x', type: '2', linkname: 'a' },
      { name: 'x', content: 'replaced' },
    ]);
    assert.ok(lstatSync(out('x')).isFile());
    assert.equal(readFileSync(out('a'), 'utf8'), 'target', 'not written through the link');
    assert.equal(readFileSync(join(dir, 'victim'), 'utf8'), 'safe');
  });

  describe('limits', () => {
    it('total bytes', async () => {
      await assert.rejects(
        extract([{ name: 'big', content: Buffer.alloc(5000) }], { maxBytes: 4096 }),
        /unpacks to more than/,
      );
    });
    it('entry count', async () => {
      const many = Array.from({ length: 30 }, (_, i) => ({ name: `f${i}`, content: '' }));
      await assert.rejects(extract(many, { maxEntries: 20 }), /more than 20 entries/);
    });
    it('name length and depth', async () => {
      await assert.rejects(
        extract([{ name: '././@LongLink', type: 'L', content: 'a'.repeat(5000) }, { name: 'x' }]),
        /longer than 1024 bytes/,
      );
      await assert.rejects(extract([{ name: `${'d/'.repeat(40)}f` }]), /nested more than 32 deep/);
    });
    it('a huge GNU long-name record is refused before it is read', async () => {
      const h = Buffer.from(tarOf([{ name: '././@LongLink', type: 'L' }], { end: false }));
      h.write(`${(64 * 1024 * 1024).toString(8).padStart(11, '0')}\0`, 124, 'latin1');
      h.fill(0x20, 148, 156);
      let sum = 0;
      for (let i = 0; i < 512; i++) sum += h[i];
      h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
      await assert.rejects(extract(h), /metadata entry of 67108864 bytes/);
    });
    it('truncated archives, bad checksums, bad gzip: TarErrors', async () => {
      const t = tarOf([{ name: 'f', content: 'x'.repeat(2000) }]);
      await assert.rejects(extract(t.subarray(0, 1000)), (e) => e instanceof TarError && /truncated/.test(e.message));
      await assert.rejects(extract(t.subarray(0, 300)), /header is cut short/);
      const bad = Buffer.from(t);
      bad[0] ^= 1;
      await assert.rejects(extract(bad), /wrong checksum/);
      const gz = gzipSync(t).subarray(0, 40);
      writeFileSync(join(dir, 'bad.tgz'), gz);
      await assert.rejects(extractTarFile(join(dir, 'bad.tgz'), join(dir, 'g')), /not valid gzip/);
    });
    it('NUL and backslash in names, files at the root, pax garbage', async () => {
      await assert.rejects(extract([{ name: 'a\\..\\..\\x' }]), /NUL or backslash/);
      await assert.rejects(
        extract([{ name: 'PaxHeader', type: 'x', content: '999999 path=x\n' }, { name: 'y' }]),
        /pax header is malformed/,
      );
      await assert.rejects(extract([{ name: 'c', type: '3' }]), /is a character device/);
    });
  });
});
