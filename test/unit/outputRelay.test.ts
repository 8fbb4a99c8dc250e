import * as assert from 'node:assert/strict';
import { OutputRelay } from '../../src/core/runtime/streams/outputRelay';

describe('OutputRelay: interactive output handed to listeners', () => {
  it('what came before the first listener is given to it, in order; later output goes straight through', () => {
    const r = new OutputRelay();
    r.push('/ # ');
    r.push('');
    r.push('x');
    const seen: string[] = [];
    r.on((t) => seen.push(t));
    r.push('y');
    assert.deepEqual(seen, ['/ # ', 'x', 'y']);
  });

  it('keeps at most about 1 MiB while nobody listens (the newest)', () => {
    const r = new OutputRelay();
    for (let i = 0; i < 300; i++) r.push(`${i}`.padEnd(8192, '.'));
    let total = 0;
    let first = '';
    r.on((t) => {
      first ||= t;
      total += t.length;
    });
    assert.ok(total <= (1 << 20) + 8192, `${total} chars kept`);
    assert.ok(!first.startsWith('0.'), 'the oldest went first');
  });
});
