import * as assert from 'node:assert/strict';
import { escapeControl } from '../../src/core/text/escapeControl';

describe('escapeControl: text from files and engines shown without terminal control', () => {
  it('leaves ordinary text, tabs, backslashes and non-Latin letters alone', () => {
    for (const s of ['web', 'a\tb', 'C:\\Users\\me', 'héllo wörld 日本 🐳', '']) assert.equal(escapeControl(s), s);
  });

  it('makes ESC, OSC/CSI sequences, BEL and DEL visible', () => {
    assert.equal(escapeControl('\u001b[31mred\u001b[0m'), '\\x1b[31mred\\x1b[0m');
    assert.equal(escapeControl('\u001b]0;title\u0007x'), '\\x1b]0;title\\x07x');
    assert.equal(escapeControl('a\u007fb\u0000c'), 'a\\x7fb\\x00c');
    assert.equal(escapeControl('line1\nline2\r'), 'line1\\nline2\\r');
  });

  it('escapes C1 controls and bidi overrides as code points', () => {
    assert.equal(escapeControl('\u009b31m'), '\\u{9b}31m');
    assert.equal(escapeControl('\u0085'), '\\u{85}');
    assert.equal(escapeControl('abc\u202edcba'), 'abc\\u{202e}dcba');
    assert.equal(escapeControl('\u2066x\u2069\u200e\u200f\u202a'), '\\u{2066}x\\u{2069}\\u{200e}\\u{200f}\\u{202a}');
    assert.equal(escapeControl('\u00a0é'), '\u00a0é', 'U+00A0 and above are printable');
  });

  it('shortens to maxLength with an ellipsis, never cutting an escape or a surrogate pair', () => {
    assert.equal(escapeControl('abcdefghij', { maxLength: 5 }), 'abcd…');
    assert.equal(escapeControl('abcdefghij', { maxLength: 10 }), 'abcdefghij');
    const cut = escapeControl('ab\u001bcdef', { maxLength: 5 });
    assert.equal(cut, 'ab…', 'a half escape is dropped rather than shown as `\\x`');
    assert.equal(escapeControl('a🐳🐳🐳', { maxLength: 3 }), 'a…');
    assert.ok(escapeControl('\u202e'.repeat(1000), { maxLength: 20 }).length <= 20);
    assert.equal(escapeControl('xyz', { maxLength: 1 }), '…');
  });

  it('is linear on long hostile strings', () => {
    const s = '\u001b]8;;'.repeat(200_000);
    const t0 = Date.now();
    const out = escapeControl(s, { maxLength: 100 });
    assert.ok(Date.now() - t0 < 2000);
    assert.ok(out.length <= 100 && out.endsWith('…'));
  });
});
