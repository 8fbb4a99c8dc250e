import * as assert from 'node:assert/strict';
import { parseArgs, UsageError } from '../../src/cli/args';
import { safe, safeJson } from '../../src/cli/format';
import { formatTable } from '../../src/cli/table';

describe('cws argument parsing', () => {
  it('reads positionals, flags, valued flags and what follows --', () => {
    const a = parseArgs(
      ['exec', 'abc', '--runtime', 'podman', '--json', '--', 'sh', '-c', 'echo "$(id)"'],
      new Set(['runtime']),
    );
    assert.deepEqual(a.positionals, ['exec', 'abc']);
    assert.equal(a.flags.get('runtime'), 'podman');
    assert.equal(a.flags.get('json'), true);
    assert.deepEqual(a.rest, ['sh', '-c', 'echo "$(id)"']);
    assert.equal(parseArgs(['--runtime=docker'], new Set()).flags.get('runtime'), 'docker');
  });

  it('a valued flag with no value is a usage error', () => {
    assert.throws(() => parseArgs(['ls', '--runtime'], new Set(['runtime'])), UsageError);
  });

  it('with a flag spec: unknown flags, empty values and values for boolean flags are usage errors', () => {
    const spec = { valued: new Set(['runtime', 'n']), boolean: new Set(['json', 'all']) };
    const fails = (argv: string[], pattern: RegExp) =>
      assert.throws(
        () => parseArgs(argv, spec.valued, spec),
        (e: unknown) => e instanceof UsageError && pattern.test(e.message),
      );
    fails(['ls', '--bogus'], /unknown option --bogus/);
    fails(['ls', '-x'], /unknown option -x/);
    fails(['ls', '--runtime='], /--runtime needs a value/);
    fails(['ls', '--runtime', ''], /--runtime needs a value/);
    fails(['ls', '--all=yes'], /--all takes no value/);
    fails(['ls', `--${'q'.repeat(500)}`], /unknown option --q+…$/);
    const ok = parseArgs(['ls', '--all', '-n', '3', '--', '--anything'], spec.valued, spec);
    assert.deepEqual([ok.flags.get('all'), ok.flags.get('n'), ok.rest], [true, '3', ['--anything']]);
  });

  it('JSON output escapes what JSON.stringify leaves raw (C1, DEL, bidi) and stays the same value', () => {
    const v = { s: 'a\u001b[2J\u009b31m\u007f\u202eb\u2028' };
    const out = safeJson(v);
    // eslint-disable-next-line no-control-regex -- control characters are what is looked for
    assert.doesNotMatch(out, /[\u001b\u007f-\u009f\u202e\u2028]/);
    assert.deepEqual(JSON.parse(out), v);
    assert.equal(safe('x\u001b]0;t\u0007'), 'x\\x1b]0;t\\x07');
  });

  it('formats aligned columns', () => {
    assert.equal(formatTable(['A', 'BB'], [['xxx', 'y']]), 'A    BB\nxxx  y');
  });
});
