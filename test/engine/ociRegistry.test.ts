// The registry client against a real registry: Debian's docker-registry on loopback, Features
// published to it by our own publisher (as the spec's OCI artifacts), fetched back anonymously,
// with htpasswd credentials from a temporary DOCKER_CONFIG (`auths`), and through a credential
// helper script on PATH; tags, catalog, digest pinning, and the messages a user gets when a
// password is wrong or a tag is missing.
import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { RegistryClient } from '../../src/core/registry/client';
import { dockerCredentialSource, lookupDockerCredentials } from '../../src/core/registry/credentials';
import { fetchOciFeature } from '../../src/core/registry/feature';
import type { FetchProgress } from '../../src/core/registry/types';
import { RuntimeError } from '../../src/core/runtime/errors';
import { publishFeature, type Published } from '../support/ociPublish';
import { requireRegistryTools, startRegistry, type LocalRegistry } from '../support/registry';

const USER = { name: 'feature-dev', password: 'correct horse battery' };

function makeFeature(root: string, id: string, version: string): string {
  const dir = join(root, id);
  mkdirSync(join(dir, 'lib'), { recursive: true });
  writeFileSync(join(dir, 'devcontainer-feature.json'), JSON.stringify({ id, version, name: `The ${id} Feature` }));
  writeFileSync(join(dir, 'install.sh'), `#!/bin/sh\necho installing ${id} ${version}\n`, { mode: 0o755 });
  writeFileSync(join(dir, 'lib', 'data.txt'), 'x'.repeat(70_000));
  return dir;
}

function rejection(err: unknown): RuntimeError {
  assert.ok(err instanceof RuntimeError, `expected a RuntimeError, got ${String((err as Error)?.stack ?? err)}`);
  assert.doesNotMatch(err.message, /\n/);
  return err;
}

describe('OCI registry client against a real docker-registry on loopback', function () {
  this.timeout(60_000);
  let work: string;

  before(async function () {
    await requireRegistryTools(this);
    work = mkdtempSync(join(tmpdir(), 'cws-oci-'));
  });
  after(() => work && rmSync(work, { recursive: true, force: true }));

  describe('anonymous', () => {
    let reg: LocalRegistry;
    let v1: Published;
    let v2: Published;
    before(async () => {
      reg = await startRegistry();
      v1 = await publishFeature(makeFeature(join(work, 'src1'), 'hello', '1.0.0'), {
        url: reg.url,
        repository: 'cws/features/hello',
        tags: ['1', '1.0', '1.0.0'],
      });
      v2 = await publishFeature(makeFeature(join(work, 'src2'), 'hello', '2.0.0'), {
        url: reg.url,
        repository: 'cws/features/hello',
        tags: ['2', 'latest'],
        gzip: true,
      });
      await publishFeature(makeFeature(join(work, 'src3'), 'other', '0.1.0'), {
        url: reg.url,
        repository: 'cws/features/other',
        tags: ['0'],
      });
    });
    after(() => reg?.stop());

    it('fetches a Feature by tag: files, modes and the manifest digest, with progress', async () => {
      const dest = join(work, 'got-v1');
      const progress: FetchProgress[] = [];
      const got = await fetchOciFeature({ registry: reg.host, repository: 'cws/features/hello', tag: '1' }, dest, {
        onProgress: (p) => progress.push(p),
        credentials: () => Promise.resolve({ source: 'none', notes: [] }),
      });
      assert.equal(got.digest, v1.manifestDigest);
      const metadata = JSON.parse(got.annotations?.['dev.containers.metadata'] ?? '{}') as { version?: string };
      assert.equal(metadata.version, '1.0.0');
      assert.match(readFileSync(join(dest, 'install.sh'), 'utf8'), /installing hello 1\.0\.0/);
      assert.equal(statSync(join(dest, 'install.sh')).mode & 0o111, 0o111, 'install.sh stays executable');
      assert.equal(readFileSync(join(dest, 'lib', 'data.txt'), 'utf8').length, 70_000);
      assert.ok(progress.some((p) => /downloading/.test(p.message) && p.bytes === v1.layerBytes.length));
      assert.ok(progress.some((p) => /extracting/.test(p.message)));
    });

    it('fetches a gzip layer and pins by digest; a digest the registry lacks is a clear error', async () => {
      const dest = join(work, 'got-v2');
      const got = await fetchOciFeature(
        { registry: reg.host, repository: 'cws/features/hello', digest: v2.manifestDigest },
        dest,
        { credentials: () => Promise.resolve({ source: 'none', notes: [] }) },
      );
      assert.equal(got.digest, v2.manifestDigest);
      assert.match(readFileSync(join(dest, 'install.sh'), 'utf8'), /2\.0\.0/);
      const missing = `sha256:${'0'.repeat(64)}`;
      const err = rejection(
        await fetchOciFeature(
          { registry: reg.host, repository: 'cws/features/hello', digest: missing },
          join(work, 'no'),
          {
            label: 'Feature "hello@0000"',
          },
        ).catch((e: unknown) => e),
      );
      assert.equal(err.code, 'notFound');
      assert.match(
        err.message,
        /^Feature "hello@0000" \(127\.0\.0\.1:\d+\/cws\/features\/hello\): no manifest with digest/,
      );
    });

    it('a missing tag says "no such tag" and names the Feature; a missing repository says so', async () => {
      const err = rejection(
        await fetchOciFeature({ registry: reg.host, repository: 'cws/features/hello', tag: '9' }, join(work, 'x'), {
          label: 'Feature "hello:9"',
        }).catch((e: unknown) => e),
      );
      assert.equal(err.code, 'notFound');
      assert.match(err.message, /Feature "hello:9".*no such tag "9"/);
      const client = new RegistryClient(reg.host);
      // distribution 2.8 answers a manifest of an unknown repository with MANIFEST_UNKNOWN (so "no such
      // tag"), its tag list with NAME_UNKNOWN.
      const err2 = rejection(await client.listTags('cws/nothing').catch((e: unknown) => e));
      assert.match(err2.message, /cws\/nothing: no such repository/);
    });

    it('lists tags and the catalog, across pages', async () => {
      const client = new RegistryClient(reg.host);
      assert.deepEqual((await client.listTags('cws/features/hello')).sort(), ['1', '1.0', '1.0.0', '2', 'latest']);
      assert.deepEqual((await client.listTags('cws/features/hello', { pageSize: 2 })).sort(), [
        '1',
        '1.0',
        '1.0.0',
        '2',
        'latest',
      ]);
      const three = await client.listTags('cws/features/hello', { pageSize: 2, maxCount: 3 });
      assert.equal(three.length, 3);
      assert.ok(three.every((t) => ['1', '1.0', '1.0.0', '2', 'latest'].includes(t)));
      assert.deepEqual(await client.catalog({ pageSize: 1 }), ['cws/features/hello', 'cws/features/other']);
    });

    it('HEAD announces the same digest the GET verified', async () => {
      const client = new RegistryClient(reg.host);
      const head = await client.headManifest('cws/features/hello', '1.0');
      assert.equal(head.digest, v1.manifestDigest);
      assert.equal(head.mediaType, 'application/vnd.oci.image.manifest.v1+json');
    });
  });

  describe('behind htpasswd', () => {
    let reg: LocalRegistry;
    let pub: Published;
    const ref = () => ({ registry: reg.host, repository: 'private/feat', tag: '1' });
    const config = (auths: object, extra: object = {}) => {
      const dir = mkdtempSync(join(work, 'docker-config-'));
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths, ...extra }));
      return dir;
    };
    const b64 = (s: string) => Buffer.from(s).toString('base64');

    before(async () => {
      reg = await startRegistry({ htpasswd: USER });
      pub = await publishFeature(makeFeature(join(work, 'srcp'), 'feat', '1.2.3'), {
        url: reg.url,
        repository: 'private/feat',
        tags: ['1'],
        user: USER,
      });
    });
    after(() => reg?.stop());

    it('anonymous: "sign in" with what to run', async () => {
      const err = rejection(
        await fetchOciFeature(ref(), join(work, 'anon'), {
          label: 'Feature "feat"',
          credentials: dockerCredentialSource({ env: { DOCKER_CONFIG: config({}) } }),
        }).catch((e: unknown) => e),
      );
      assert.equal(err.code, 'permission');
      assert.match(err.message, /Feature "feat".*sign in: .*none are configured/);
      assert.match(err.hint ?? '', new RegExp(`docker login ${reg.host.replace(/\./g, '\\.')}`));
    });

    it('with `auths` in DOCKER_CONFIG (base64 auth, and username/password)', async () => {
      for (const [i, entry] of [
        { auth: b64(`${USER.name}:${USER.password}`) },
        { username: USER.name, password: USER.password },
      ].entries()) {
        const env = { DOCKER_CONFIG: config({ [`http://${reg.host}`]: entry }) };
        const got = await fetchOciFeature(ref(), join(work, `auths-${i}`), {
          credentials: dockerCredentialSource({ env }),
        });
        assert.equal(got.digest, pub.manifestDigest);
      }
    });

    it('a wrong password: the user is named, the password is not', async () => {
      const env = { DOCKER_CONFIG: config({ [reg.host]: { auth: b64(`${USER.name}:hunter2-wrong`) } }) };
      const err = rejection(
        await fetchOciFeature(ref(), join(work, 'wrong'), {
          label: 'Feature "feat"',
          credentials: dockerCredentialSource({ env }),
        }).catch((e: unknown) => e),
      );
      assert.equal(err.code, 'permission');
      assert.match(
        err.message,
        /sign in: the registry rejected the credentials of "feature-dev" \(from .*config\.json auths\)/,
      );
      assert.doesNotMatch(`${err.message} ${err.hint}`, /hunter2/);
    });

    it('through a credential helper on PATH (credHelpers), asked with the host on stdin', async () => {
      const bin = mkdtempSync(join(work, 'bin-'));
      const asked = join(bin, 'asked');
      writeFileSync(
        join(bin, 'docker-credential-test'),
        [
          '#!/bin/sh',
          `[ "$1" = get ] || exit 3`,
          `read server; printf '%s' "$server" > '${asked}'`,
          `printf '{"ServerURL":"%s","Username":"${USER.name}","Secret":"${USER.password}"}' "$server"`,
        ].join('\n'),
      );
      chmodSync(join(bin, 'docker-credential-test'), 0o755);
      const env = {
        DOCKER_CONFIG: config({}, { credHelpers: { [reg.host]: 'test' } }),
        PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
      };
      const lookup = await lookupDockerCredentials(reg.host, { env });
      assert.equal(lookup.source, 'docker-credential-test');
      const got = await fetchOciFeature(ref(), join(work, 'helper'), { credentials: dockerCredentialSource({ env }) });
      assert.equal(got.digest, pub.manifestDigest);
      assert.equal(readFileSync(asked, 'utf8'), reg.host);
    });

    it('a helper that is not installed: anonymous, and the 401 says so', async () => {
      const env = { DOCKER_CONFIG: config({}, { credsStore: 'cws-absent-helper' }) };
      const err = rejection(
        await fetchOciFeature(ref(), join(work, 'nohelper'), { credentials: dockerCredentialSource({ env }) }).catch(
          (e: unknown) => e,
        ),
      );
      assert.match(err.message, /sign in/);
      assert.match(err.hint ?? '', /docker-credential-cws-absent-helper is not installed/);
    });

    it('tags and catalog with credentials', async () => {
      const client = new RegistryClient(reg.host, {
        credentials: () =>
          Promise.resolve({
            credential: { username: USER.name, password: USER.password },
            source: 'test',
            notes: [],
          }),
      });
      assert.deepEqual(await client.listTags('private/feat'), ['1']);
      assert.deepEqual(await client.catalog(), ['private/feat']);
    });
  });
});
