import * as assert from 'node:assert/strict';
import { parseArgs, UsageError } from '../../src/cli/args';
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

  it('formats aligned columns', () => {
    assert.equal(formatTable(['A', 'BB'], [['xxx', 'y']]), 'A    BB\nxxx  y');
  });
});
