import * as assert from 'node:assert/strict';
import { mapLimit } from '../../src/core/util/mapLimit';

describe('mapLimit: a fan-out with a limit', () => {
  it('never has more than `limit` calls in flight, and keeps the order of results', async () => {
    let inFlight = 0;
    let most = 0;
    const items = Array.from({ length: 50 }, (_, i) => i);
    const out = await mapLimit(items, 4, async (i) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return i * 2;
    });
    assert.equal(most, 4);
    assert.deepEqual(
      out,
      items.map((i) => i * 2),
    );
  });

  it('rejects with the first failure and starts nothing new after it', async () => {
    const started: number[] = [];
    await assert.rejects(
      mapLimit([0, 1, 2, 3, 4, 5, 6, 7], 2, async (i) => {
        started.push(i);
        await new Promise((r) => setImmediate(r));
        if (i === 1) throw new Error('one failed');
        return i;
      }),
      /one failed/,
    );
    assert.ok(started.length < 8, `started ${started.join(',')}`);
  });

  it('an empty list is an empty result', async () => {
    assert.deepEqual(await mapLimit([], 3, () => Promise.resolve(1)), []);
  });
});
