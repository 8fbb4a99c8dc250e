// What the stats panel derives from samples, plain functions: rates between samples, the kept
// window, and which running containers are shown under the cap.
import * as assert from 'node:assert/strict';
import { StatsHistory, chooseShown, toPoint } from '../../src/core/stats';
import type { ContainerSummary, StatsSample } from '../../src/core/runtime/types';
import { toRow } from '../../src/vscode/stats/toRow';

const sample = (read: number, o: Partial<StatsSample> = {}): StatsSample => ({
  id: 'c1',
  read,
  cpuPercent: 12.3456,
  memoryUsed: 1000,
  memoryLimit: 4000,
  memoryPercent: 25,
  netRx: 0,
  netTx: 0,
  blockRead: 0,
  blockWrite: 0,
  pids: 3,
  ...o,
});

const container = (name: string, state: ContainerSummary['state'] = 'running', id = name): ContainerSummary => ({
  id,
  name,
  names: [name],
  image: 'busybox',
  state,
  status: '',
  created: 0,
  labels: {},
  ports: [],
});

describe('stats points', () => {
  it("rates are bytes per second between two samples, by the engine's sample times", () => {
    const a = sample(10_000, { netRx: 1000, netTx: 500, blockRead: 0, blockWrite: 4096 });
    const b = sample(12_000, { netRx: 5000, netTx: 500, blockRead: 8192, blockWrite: 4096 });
    const p = toPoint(b, a);
    assert.deepEqual([p.rxRate, p.txRate, p.readRate, p.writeRate], [2000, 0, 4096, 0]);
    assert.equal(p.t, 12_000);
    assert.equal(p.cpu, 12.3456);
    assert.equal(p.memPercent, 25);
  });

  it('no rate without a sample before, after a counter went back, or across a long gap', () => {
    assert.equal(toPoint(sample(1000, { netRx: 10 })).rxRate, null);
    const reset = toPoint(sample(2000, { netRx: 5, netTx: 10 }), sample(1000, { netRx: 100, netTx: 0 }));
    assert.equal(reset.rxRate, null, 'a counter that went back (restart) is no negative rate');
    assert.equal(reset.txRate, 10);
    assert.equal(
      toPoint(sample(61_000, { netRx: 100 }), sample(1000)).rxRate,
      null,
      'a minute apart (hidden meanwhile)',
    );
    assert.equal(toPoint(sample(1000, { netRx: 100 }), sample(1000)).rxRate, null, 'the same sample twice');
  });

  it('the wire row rounds to what is shown and keeps unknown rates as null', () => {
    const row = toRow(toPoint(sample(2000, { netRx: 1001 }), sample(1000)));
    assert.deepEqual(row, [2000, 12.35, 1000, 4000, 1001, 0, 0, 0, 3]);
    assert.deepEqual(toRow(toPoint(sample(1000))).slice(4, 8), [null, null, null, null]);
  });
});

describe('stats history', () => {
  it('keeps the last window of points, oldest first, and drops repeats', () => {
    const h = new StatsHistory(5_000);
    for (const t of [1000, 2000, 2000, 3000, 1500]) h.add(toPoint(sample(t)));
    assert.deepEqual(
      h.all().map((p) => p.t),
      [1000, 2000, 3000],
    );
    h.add(toPoint(sample(7000)));
    assert.deepEqual(
      h.all().map((p) => p.t),
      [2000, 3000, 7000],
    );
    assert.equal(h.last?.t, 7000);
  });
});

describe('which containers the stats panel shows', () => {
  const all = [
    container('zeta'),
    container('alpha'),
    container('stopped', 'exited'),
    container('mid'),
    container('paused', 'paused'),
  ];

  it('running ones only, by name, up to the cap, counting the rest', () => {
    const r = chooseShown(all, { cap: 2 });
    assert.deepEqual(
      r.shown.map((c) => c.name),
      ['alpha', 'mid'],
    );
    assert.equal(r.notShown, 1);
    assert.equal(chooseShown(all, { cap: 20 }).notShown, 0);
  });

  it("the selected one is always shown, then the preferred (the workspace's); the order does not follow the selection", () => {
    const r = chooseShown(all, { cap: 2, selected: 'zeta', preferred: (c) => c.name === 'mid' });
    assert.deepEqual(
      r.shown.map((c) => c.name),
      ['mid', 'zeta'],
    );
    assert.deepEqual(
      chooseShown(all, { cap: 5, selected: 'zeta' }).shown.map((c) => c.name),
      ['alpha', 'mid', 'zeta'],
    );
    assert.deepEqual(
      chooseShown(all, { cap: 5, selected: 'stopped' }).shown.map((c) => c.name),
      ['alpha', 'mid', 'zeta'],
      'a stopped selection is not shown',
    );
  });

  it('a cap below one still shows one', () => {
    assert.equal(chooseShown(all, { cap: 0 }).shown.length, 1);
  });
});
