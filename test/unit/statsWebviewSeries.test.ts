// The stats webview's store of each shown container's points: history for new containers,
// appended points, duplicates dropped, the window trimmed, containers no longer shown forgotten.
import * as assert from 'node:assert/strict';
import type { Row } from '../../src/shared/statsProtocol';
import { SeriesStore, toColumns } from '../../src/webview/stats/series';

const row = (t: number, cpu = 1, rx: number | null = 10): Row => [t, cpu, 100, 1000, rx, 20, 30, 40, 5];
const ts = (rows: readonly Row[]) => rows.map((r) => r[0]);

describe('stats webview: series store', () => {
  it('starts new containers with their history and ignores points of unknown ones', () => {
    const s = new SeriesStore();
    s.sync(['a', 'b'], { a: [row(1000), row(2000)] }, 60_000);
    assert.deepEqual(ts(s.get('a')), [1000, 2000]);
    assert.deepEqual(s.get('b'), []);
    assert.deepEqual(s.append({ a: [row(3000)], x: [row(3000)] }), ['a']);
    assert.deepEqual(ts(s.get('a')), [1000, 2000, 3000]);
    assert.deepEqual(s.get('x'), []);
    assert.deepEqual(s.ids(), ['a', 'b']);
    assert.equal(s.latest, 3000);
    assert.equal(s.last('a')?.[0], 3000);
    assert.equal(s.last('b'), undefined);
  });

  it('drops points not after the last kept one (duplicates, out of order)', () => {
    const s = new SeriesStore();
    s.sync(['a'], { a: [row(1000), row(2000)] }, 60_000);
    assert.deepEqual(s.append({ a: [row(2000), row(1500)] }), []);
    s.append({ a: [row(2000), row(3000), row(3000), row(2500), row(4000)] });
    assert.deepEqual(ts(s.get('a')), [1000, 2000, 3000, 4000]);
  });

  it('trims every container to the window before the newest point seen', () => {
    const s = new SeriesStore();
    s.sync(['a', 'b'], { a: [row(0), row(5000), row(10_000)], b: [row(1000), row(9000)] }, 8000);
    assert.deepEqual(ts(s.get('a')), [5000, 10_000]);
    assert.deepEqual(ts(s.get('b')), [9000]);
    s.append({ a: [row(16_000)] });
    assert.deepEqual(ts(s.get('a')), [10_000, 16_000]);
    assert.deepEqual(ts(s.get('b')), [9000]);
    s.append({ a: [row(17_001)] });
    assert.deepEqual(s.get('b'), []);
  });

  it('a later state keeps what it has for known containers, adds new ones and forgets the rest', () => {
    const s = new SeriesStore();
    s.sync(['a', 'b'], { a: [row(1000)], b: [row(1000)] }, 60_000);
    s.append({ a: [row(2000)], b: [row(2000)] });
    s.sync(['a', 'c'], { c: [row(500), row(1500), row(2500)] });
    assert.deepEqual(s.ids(), ['a', 'c']);
    assert.deepEqual(ts(s.get('a')), [1000, 2000]);
    assert.deepEqual(ts(s.get('c')), [500, 1500, 2500]);
    assert.deepEqual(s.get('b'), []);
    // b comes back: it starts again from the history sent with it.
    s.sync(['a', 'b', 'c'], { b: [row(2500)] });
    assert.deepEqual(ts(s.get('b')), [2500]);
    assert.equal(s.windowMs, 60_000);
  });

  it('history sent again for a known container only adds its newer points', () => {
    const s = new SeriesStore();
    s.sync(['a'], { a: [row(1000), row(2000)] }, 60_000);
    s.sync(['a'], { a: [row(1000), row(2000), row(3000)] });
    assert.deepEqual(ts(s.get('a')), [1000, 2000, 3000]);
  });

  it('columns for uPlot: x in seconds, the asked columns, nulls kept, from a start time on', () => {
    const rows = [row(1000, 1, null), row(2000, 2, 20), row(3000, 3, 30)];
    assert.deepEqual(toColumns(rows, [1, 4]), [
      [1, 2, 3],
      [1, 2, 3],
      [null, 20, 30],
    ]);
    assert.deepEqual(toColumns(rows, [1], 2000), [
      [2, 3],
      [2, 3],
    ]);
    assert.deepEqual(toColumns(rows, [1], 9000), [[], []]);
    assert.deepEqual(toColumns([], [1, 2]), [[], [], []]);
  });

  it('a long gap between points (panel hidden, container stopped) breaks the line', () => {
    const rows = [row(1000, 1), row(2000, 2), row(60_000, 3), row(61_000, 4)];
    assert.deepEqual(toColumns(rows, [1]), [
      [1, 2, 2.001, 60, 61],
      [1, 2, null, 3, 4],
    ]);
  });

  it('"now" moves back when the containers that set it go (another engine, its clock behind)', () => {
    const s = new SeriesStore();
    s.sync(['a'], { a: [row(1_000_000)] }, 300_000);
    assert.equal(s.latest, 1_000_000);
    s.sync(['b'], { b: [row(400_000), row(401_000)] });
    assert.equal(s.latest, 401_000);
    assert.deepEqual(ts(s.get('b')), [400_000, 401_000], 'nothing of the new engine trimmed away');
  });
});
