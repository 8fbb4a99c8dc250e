// The names and checks of a workspace cloned into a volume: what git is never given (options,
// transports that run programs, control characters), the folder and volume names (stable for one
// URL and ref, different for another).
import * as assert from 'node:assert/strict';
import { RuntimeError } from '../../src/core/runtime/errors';
import {
  checkRef,
  checkRepoUrl,
  repoFolderName,
  repoVolumeName,
  shortRepoAddress,
} from '../../src/core/workspace/repoVolume';

describe('repository volumes: names and checks', () => {
  it('takes https://, ssh:// and scp-like addresses; refuses options, ext:: and file transports, control characters', () => {
    for (const ok of [
      'https://github.com/o/r.git',
      'http://127.0.0.1:8080/a/b',
      'ssh://git@host:22/o/r',
      'git@github.com:o/r.git',
    ])
      assert.doesNotThrow(() => checkRepoUrl(ok), ok);
    for (const bad of [
      '--upload-pack=touch /tmp/pwned',
      'ext::sh -c touch% /tmp/pwned',
      'file:///etc',
      '/srv/repo.git',
      'https://host/r\u001b[2J',
      'https://host/a b',
      'git@host:-oProxyCommand=x',
      '',
    ])
      assert.throws(() => checkRepoUrl(bad), RuntimeError, bad);
  });

  it('refuses an address with a password in it (it would sit in labels and git config), takes a user name', () => {
    assert.throws(() => checkRepoUrl('https://dana:s3cret@host/o/r.git'), /holds a password/);
    assert.doesNotThrow(() => checkRepoUrl('https://dana@host/o/r.git'));
    assert.equal(shortRepoAddress('https://dana@host/o/r.git'), 'host/o/r');
    assert.equal(shortRepoAddress('git@github.com:o/r.git'), 'github.com:o/r');
  });

  it('takes branch and tag names; refuses options and what git refuses in a ref', () => {
    for (const ok of ['main', 'release/1.2', 'v1.0.0', 'feature_x-2']) assert.doesNotThrow(() => checkRef(ok), ok);
    for (const bad of ['-b', 'a..b', 'a b', 'x~1', 'y^', 'z:w', 'a/', 'q.lock', 'a@{1}', ''])
      assert.throws(() => checkRef(bad), RuntimeError, bad);
  });

  it('names the folder after the repository and the volume after URL and ref, stably', () => {
    assert.equal(repoFolderName('https://github.com/o/My App.git'), 'My-App');
    assert.equal(repoFolderName('git@github.com:o/r.git/'), 'r');
    assert.equal(repoFolderName('https://host/.git'), 'repo');
    const a = repoVolumeName({ url: 'https://github.com/o/r.git' });
    assert.match(a, /^cws-repo-r-[0-9a-f]{10}$/);
    assert.equal(repoVolumeName({ url: 'https://github.com/o/r' }), a, 'with or without .git');
    assert.notEqual(repoVolumeName({ url: 'https://github.com/o/r.git', ref: 'dev' }), a);
    assert.notEqual(repoVolumeName({ url: 'https://github.com/p/r.git' }), a);
  });
});
