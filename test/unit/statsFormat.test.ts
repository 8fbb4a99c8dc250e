// The stats webview's figures as the panel writes them: memory in binary units (as `docker stats`),
// I/O rates in decimal units (as `docker stats`), percentages with one decimal, "–" when unknown.
import * as assert from 'node:assert/strict';
import {
  UNKNOWN,
  fmtBytes,
  fmtClock,
  fmtCount,
  fmtPercent,
  fmtRate,
  isLimited,
  memPercent,
} from '../../src/webview/stats/format';

const KiB = 1024,
  MiB = 1024 ** 2,
  GiB = 1024 ** 3;

describe('stats webview: number formats', () => {
  it('bytes: whole bytes, then one decimal below 100 of a binary unit, none above', () => {
    assert.equal(fmtBytes(0), '0 B');
    assert.equal(fmtBytes(512), '512 B');
    assert.equal(fmtBytes(1023), '1023 B');
    assert.equal(fmtBytes(1024), '1.0 KiB');
    assert.equal(fmtBytes(1536), '1.5 KiB');
    assert.equal(fmtBytes(12.34 * MiB), '12.3 MiB');
    assert.equal(fmtBytes(99.96 * MiB), '100 MiB');
    assert.equal(fmtBytes(123.4 * MiB), '123 MiB');
    assert.equal(fmtBytes(1.9 * GiB), '1.9 GiB');
    assert.equal(fmtBytes(3 * 1024 * GiB), '3.0 TiB');
  });

  it('bytes: a value that rounds up to the next unit is written in it', () => {
    assert.equal(fmtBytes(1023.7 * KiB), '1.0 MiB');
    assert.equal(fmtBytes(1023.99 * MiB), '1.0 GiB');
  });

  it('bytes for axis labels drop a ".0"', () => {
    assert.equal(fmtBytes(16 * MiB, true), '16 MiB');
    assert.equal(fmtBytes(1.5 * GiB, true), '1.5 GiB');
    assert.equal(fmtBytes(0, true), '0 B');
  });

  it('rates: decimal units, B/s kB/s MB/s GB/s', () => {
    assert.equal(fmtRate(0), '0 B/s');
    assert.equal(fmtRate(300), '300 B/s');
    assert.equal(fmtRate(999), '999 B/s');
    assert.equal(fmtRate(1000), '1.0 kB/s');
    assert.equal(fmtRate(1234), '1.2 kB/s');
    assert.equal(fmtRate(45_600_000), '45.6 MB/s');
    assert.equal(fmtRate(250_000_000), '250 MB/s');
    assert.equal(fmtRate(2.5e9), '2.5 GB/s');
    assert.equal(fmtRate(999_990), '1.0 MB/s');
    assert.equal(fmtRate(500_000, true), '500 kB/s');
    assert.equal(fmtRate(2_000_000, true), '2 MB/s');
  });

  it('percent: one decimal and a space', () => {
    assert.equal(fmtPercent(0), '0.0 %');
    assert.equal(fmtPercent(0.04), '0.0 %');
    assert.equal(fmtPercent(12.345), '12.3 %');
    assert.equal(fmtPercent(153.25), '153.3 %');
    assert.equal(fmtPercent(50, true), '50 %');
    assert.equal(fmtPercent(2.5, true), '2.5 %');
  });

  it('unknown figures (null, undefined, NaN, negative) are "–"', () => {
    for (const f of [fmtBytes, fmtRate, fmtPercent, fmtCount]) {
      for (const v of [null, undefined, Number.NaN, Infinity, -1]) assert.equal(f(v), UNKNOWN, `${f.name}(${v})`);
    }
    assert.equal(UNKNOWN, '–');
  });

  it('counts are whole numbers', () => {
    assert.equal(fmtCount(0), '0');
    assert.equal(fmtCount(42), '42');
  });

  it('a memory limit of 0 or about 2^63 is no limit; the percentage needs a limit', () => {
    assert.equal(isLimited(2 * GiB), true);
    assert.equal(isLimited(0), false);
    assert.equal(isLimited(9223372036854771712), false);
    assert.equal(isLimited(null), false);
    assert.equal(memPercent(GiB / 2, 2 * GiB), 25);
    assert.equal(memPercent(GiB, 0), null);
    assert.equal(memPercent(null, GiB), null);
    assert.equal(fmtPercent(memPercent(12.3 * MiB, 1.9 * GiB)), '0.6 %');
  });

  it('clock: local hours and minutes, with seconds when asked', () => {
    const t = new Date(2025, 0, 2, 3, 4, 5).getTime();
    assert.equal(fmtClock(t), '03:04');
    assert.equal(fmtClock(t, true), '03:04:05');
    assert.equal(fmtClock(new Date(2025, 0, 2, 23, 59, 0).getTime()), '23:59');
  });
});
