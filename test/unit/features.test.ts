// Dev container Features without network or engine: what a key names, metadata checks, options and
// the env files install.sh sources, the install order, what Features add to the container, and the
// Dockerfile + content hash of the layer. Hostile metadata must fail fast with a message naming it.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { RuntimeError } from '../../src/core/runtime/errors';
import { parseFeatureRef, tryParseFeatureRef } from '../../src/core/features/ref';
import { parseFeatureMetadata } from '../../src/core/features/metadata';
import {
  builtinEnvFile,
  featureEnvFile,
  optionEnvName,
  resolveOptions,
  shellQuote,
} from '../../src/core/features/options';
import { installOrder } from '../../src/core/features/order';
import { mergeFeatures } from '../../src/core/features/merge';
import { planLayer, type LayerFeature } from '../../src/core/features/layer';
import { readFeatureFolder } from '../../src/core/features/folder';
import type { FeatureMetadata, ResolvedFeature, UserOptions } from '../../src/core/features/types';
import { fixturesDir } from '../support/fixtures';
import { loadLocalConfig } from './featuresLocal';

const DC = '/w/proj/.devcontainer';
const CTX = { configDir: DC, boundaryDir: DC };

function fails(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof RuntimeError, `not a RuntimeError: ${String(e)}`);
    assert.match(e.message, re);
    assert.ok(e.hint, 'a hint');
    return true;
  });
}

function meta(o: object): FeatureMetadata {
  return parseFeatureMetadata(JSON.stringify({ version: '1.0.0', ...o }), 'test');
}

function local(id: string, o: object = {}, userOptions: UserOptions = {}): ResolvedFeature {
  return { ref: parseFeatureRef(`./${id}`, CTX), metadata: meta({ id, ...o }), userOptions };
}

function ids(features: ResolvedFeature[], override?: string[]): string[] {
  return installOrder({ features, overrideOrder: override, refContext: CTX }).order.map((f) => f.metadata.id);
}

describe('Features: references', () => {
  it('local paths resolve from the config folder and must stay inside .devcontainer', () => {
    const r = parseFeatureRef('./tools/node', CTX);
    assert.equal(r.kind, 'local');
    assert.equal(r.id, 'node');
    assert.equal(r.kind === 'local' && r.path, '/w/proj/.devcontainer/tools/node');
    const nested = { configDir: `${DC}/sub`, boundaryDir: DC };
    assert.equal(parseFeatureRef('../shared', nested).resource, `${DC}/shared`);
    fails(() => parseFeatureRef('../outside', CTX), /'\.\.\/outside' is outside the \.devcontainer folder/);
    fails(() => parseFeatureRef('./', CTX), /outside/);
    fails(() => parseFeatureRef('/abs/feature', CTX), /absolute path/);
  });

  it('OCI references: lower case, default tag latest, digests, id = last segment', () => {
    const r = parseFeatureRef('GHCR.io/DevContainers/features/Node', CTX);
    assert.equal(r.kind, 'oci');
    assert.deepEqual(r.kind === 'oci' && r.oci, {
      registry: 'ghcr.io',
      repository: 'devcontainers/features/node',
      tag: 'latest',
    });
    assert.equal(r.id, 'node');
    assert.equal(r.resource, 'ghcr.io/devcontainers/features/node');
    assert.equal(r.canonical, 'ghcr.io/devcontainers/features/node:latest');
    const d = `sha256:${'a'.repeat(64)}`;
    const p = parseFeatureRef(`localhost:5000/ns/deep/tool:1@${d}`, CTX);
    assert.deepEqual(p.kind === 'oci' && p.oci, { registry: 'localhost:5000', repository: 'ns/deep/tool', digest: d });
    assert.equal(parseFeatureRef('ghcr.io/a/b:1.2', CTX).canonical, 'ghcr.io/a/b:1.2');
    fails(() => parseFeatureRef('ghcr.io/a/b@sha256:123', CTX), /digest/);
    fails(() => parseFeatureRef('ghcr.io/node', CTX), /no namespace/);
    fails(() => parseFeatureRef('ghcr.io/a/b:-bad', CTX), /tag/);
    fails(() => parseFeatureRef('ghcr.io/a/b__/c', CTX), /invalid path/);
  });

  it('tarball URLs must be https and named devcontainer-feature-<id>.tgz', () => {
    const r = parseFeatureRef('https://example.com/r/devcontainer-feature-go.tgz', CTX);
    assert.equal(r.kind, 'tarball');
    assert.equal(r.id, 'go');
    fails(() => parseFeatureRef('http://example.com/devcontainer-feature-go.tgz', CTX), /plain http/);
    fails(() => parseFeatureRef('https://example.com/go.tgz', CTX), /devcontainer-feature-<id>\.tgz/);
  });

  it('deprecated forms are refused with what to write instead', () => {
    fails(() => parseFeatureRef('node', CTX), /'node' is a short id/);
    assert.throws(
      () => parseFeatureRef('node', CTX),
      (e: RuntimeError) =>
        /ghcr\.io\/devcontainers\/features\/node:1/.test(e.hint ?? '') && /\.\/node/.test(e.hint ?? ''),
    );
    fails(() => parseFeatureRef('owner/repo/go@v1', CTX), /GitHub-release form/);
    fails(() => parseFeatureRef('', CTX), /empty/);
    fails(() => parseFeatureRef('x'.repeat(5000), CTX), /longer than/);
    fails(() => parseFeatureRef('./a\u001b[2J', CTX), /control characters/);
    assert.equal(tryParseFeatureRef(42, CTX), undefined);
  });
});

describe('Features: metadata', () => {
  it('reads every property, JSONC allowed', () => {
    const m = parseFeatureMetadata(
      `{ // comment
        "id": "tool", "version": "1.2.3", "name": "Tool",
        "options": { "version": { "type": "string", "default": "latest", "enum": ["latest", "1"] },
                     "pip": { "type": "boolean", "default": true } },
        "containerEnv": { "PATH": "/opt/tool/bin:\${PATH}" },
        "mounts": ["type=volume,source=x,target=/x", { "type": "bind", "source": "/a", "target": "/b" }],
        "capAdd": ["SYS_PTRACE"], "securityOpt": ["seccomp=unconfined"], "privileged": true, "init": true,
        "entrypoint": "/usr/local/share/start.sh", "customizations": { "vscode": { "extensions": ["a.b"] } },
        "dependsOn": { "ghcr.io/a/b:1": { "flag": true }, "./c": "2" }, "installsAfter": ["ghcr.io/a/d"],
        "legacyIds": ["old-tool"], "onCreateCommand": "echo a", "postStartCommand": ["echo", "b"],
        "postAttachCommand": { "x": "echo c", "y": ["echo", "d"] },
      }`,
      'tool',
    );
    assert.equal(m.id, 'tool');
    assert.deepEqual(Object.keys(m.options), ['version', 'pip']);
    assert.deepEqual(m.options.version.enum, ['latest', '1']);
    assert.equal(m.containerEnv.PATH, '/opt/tool/bin:${PATH}');
    assert.equal(m.mounts.length, 2);
    assert.equal(m.privileged, true);
    assert.deepEqual(JSON.parse(JSON.stringify(m.dependsOn)), { 'ghcr.io/a/b:1': { flag: true }, './c': '2' });
    assert.deepEqual(m.hooks.postStartCommand, ['echo', 'b']);
    assert.deepEqual({ ...(m.hooks.postAttachCommand as object) }, { x: 'echo c', y: ['echo', 'd'] });
    assert.deepEqual(m.customizations, { vscode: { extensions: ['a.b'] } });
  });

  it('wrong types name the Feature and the property, never a TypeError', () => {
    const cases: [object, RegExp][] = [
      [{ id: 'x', options: { a: { type: 'number' } } }, /'x'.*'options\.a\.type'/],
      [{ id: 'x', options: { a: { type: 'boolean', default: 'yes' } } }, /'options\.a\.default' must be a boolean/],
      [{ id: 'x', capAdd: 'SYS_ADMIN' }, /'capAdd' must be an array/],
      [{ id: 'x', containerEnv: { A: 1 } }, /'containerEnv\.A' must be a string/],
      [{ id: 'x', containerEnv: { 'A B': '1' } }, /'containerEnv\.A B' is not a variable name/],
      [{ id: 'x', containerEnv: { A: 'a\nRUN evil' } }, /line break/],
      [{ id: 'x', mounts: [{ type: 'tmpfs', target: '/t' }] }, /'mounts\[0\]\.type'/],
      [{ id: 'x', privileged: 'yes' }, /'privileged' must be true or false/],
      [{ id: 'x', dependsOn: ['a'] }, /'dependsOn' must be an object/],
      [{ id: 'x', postCreateCommand: 5 }, /'postCreateCommand' must be a command/],
      [{ id: 7 }, /'id'/],
      [
        { id: 'x', options: null, mounts: 1, capAdd: 1, securityOpt: 1, init: 1, entrypoint: 1, legacyIds: 1 },
        /and 2 more/,
      ],
    ];
    for (const [o, re] of cases) fails(() => parseFeatureMetadata(JSON.stringify(o), 'src'), re);
    fails(() => parseFeatureMetadata('[1]', 'src'), /not a JSON object/);
    fails(() => parseFeatureMetadata('{"id": ', 'src'), /not valid JSON/);
    fails(() => parseFeatureMetadata(null as unknown as string, 'src'), /not text/);
  });

  it('huge, deep and 10 000-option metadata is refused fast', () => {
    const t0 = Date.now();
    fails(() => parseFeatureMetadata(`{"id":"x","name":"${'a'.repeat(1_000_000)}"}`, 'big'), /larger than/);
    fails(() => parseFeatureMetadata(`{"id":"x","customizations":${'['.repeat(100_000)}`, 'deep'), /deeper than/);
    const options = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`o${i}`, { type: 'string' }]));
    fails(() => parseFeatureMetadata(JSON.stringify({ id: 'x', options }), 'many'), /more than 1000 entries/);
    assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
  });

  it('__proto__ keys are plain keys', () => {
    const m = parseFeatureMetadata('{"id":"x","containerEnv":{"constructor":"1"}}', 'x');
    assert.equal(m.containerEnv.constructor, '1');
  });
});

describe('Features: options', () => {
  const tool = meta({
    id: 'tool',
    options: {
      version: { type: 'string', default: 'latest', enum: ['latest', '1.2'] },
      pip: { type: 'boolean', default: true },
      nodefault: { type: 'string' },
    },
  });

  it('defaults, then the user values; a bare string is version', () => {
    assert.deepEqual({ ...resolveOptions(tool, '1.2').values }, { version: '1.2', pip: true });
    assert.deepEqual(
      { ...resolveOptions(tool, { pip: false, extra: 'x' }).values },
      {
        version: 'latest',
        pip: false,
        extra: 'x',
      },
    );
    // No version option: a bare value selects nothing (as the reference CLI).
    assert.deepEqual({ ...resolveOptions(meta({ id: 'n' }), '3').values }, {});
    const w = resolveOptions(tool, { version: '9', pip: 'no' }).warnings.join('\n');
    assert.match(w, /'version'.*not one of its allowed values/);
    assert.match(w, /'pip'.*expects a boolean/);
  });

  it('env var names follow the spec', () => {
    assert.equal(optionEnvName('version'), 'VERSION');
    assert.equal(optionEnvName('installTools'), 'INSTALLTOOLS');
    assert.equal(optionEnvName('my-opt.x'), 'MY_OPT_X');
    assert.equal(optionEnvName('2fa-mode'), '_FA_MODE');
    assert.equal(optionEnvName('__x'), '_X');
  });

  it('the env files are safe for any value: nothing runs when sourced', () => {
    const evil = `$(touch /tmp/pwned) \`id\` "; rm -rf / ' \n next`;
    const text = featureEnvFile({ a: evil, b: true });
    assert.equal(text, `A='$(touch /tmp/pwned) \`id\` "; rm -rf / '\\'' \n next'\nB='true'\n`);
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
    fails(() => shellQuote('a\0b'), /NUL/);
    assert.equal(
      builtinEnvFile({ containerUser: 'root', remoteUser: 'vscode' }),
      "_CONTAINER_USER='root'\n_REMOTE_USER='vscode'\n",
    );
    assert.equal(builtinEnvFile({ containerUser: 'dev' }), "_CONTAINER_USER='dev'\n_REMOTE_USER='dev'\n");
  });
});

describe('Features: install order', () => {
  it('dependsOn first, rounds sorted by resource', () => {
    const f = [local('c', { dependsOn: { './a': {} } }), local('b'), local('a')];
    assert.deepEqual(ids(f), ['a', 'b', 'c']);
  });

  it('installsAfter is soft: honoured when present, dropped when not', () => {
    const f = [local('a', { installsAfter: ['./z', './missing', 'ghcr.io/x/y'] }), local('z')];
    assert.deepEqual(ids(f), ['z', 'a']);
    assert.deepEqual(ids([local('a', { installsAfter: ['./a'] })]), ['a']);
  });

  it('overrideFeatureInstallOrder pulls forward, but never before dependencies', () => {
    const f = [local('a'), local('b'), local('c'), local('d', { dependsOn: { './a': {} } })];
    assert.deepEqual(ids(f, ['./c', './b']), ['c', 'b', 'a', 'd']);
    // d waits for a; b and c are ready in the same first round as a, so they go with it (spec B3).
    assert.deepEqual(ids(f, ['./d']), ['a', 'b', 'c', 'd']);
    assert.deepEqual(ids([...f, local('e', { dependsOn: { './a': {} } })], ['./e']), ['a', 'b', 'c', 'e', 'd']);
    const r = installOrder({ features: f, overrideOrder: ['./nope'], refContext: CTX });
    assert.match(r.warnings.join(), /'\.\/nope'/);
  });

  it('OCI legacyIds match installsAfter; tags sort oldest to latest', () => {
    const oci = (key: string, o: object = {}): ResolvedFeature => ({
      ref: parseFeatureRef(key, CTX),
      metadata: meta({ id: key.replace(/^.*\/|:.*$/g, ''), ...o }),
      userOptions: {},
    });
    const f = [
      oci('ghcr.io/ns/later', { installsAfter: ['ghcr.io/ns/old-name'] }),
      oci('ghcr.io/ns/new-name', { legacyIds: ['old-name'] }),
    ];
    assert.deepEqual(ids(f), ['new-name', 'later']);
    const t = [oci('ghcr.io/ns/t:latest'), oci('ghcr.io/ns/t:1.10'), oci('ghcr.io/ns/t:1.9')];
    const order = installOrder({ features: t, refContext: CTX }).order.map((x) => x.ref.canonical);
    assert.deepEqual(order, ['ghcr.io/ns/t:1.9', 'ghcr.io/ns/t:1.10', 'ghcr.io/ns/t:latest']);
  });

  it('equal Features (same source, same options) install once; different options twice', () => {
    const f = [
      local('a'),
      local('a', {}, {}),
      local('a', { options: { x: { type: 'string', default: '' } } }, { x: '1' }),
    ];
    assert.equal(ids(f).length, 2);
  });

  it('missing dependencies, self-dependencies and cycles are errors naming them', () => {
    fails(() => ids([local('a', { dependsOn: { './b': {} } })]), /'\.\/a' depends on '\.\/b', which is not among/);
    fails(() => ids([local('a', { dependsOn: { './a': {} } })]), /'\.\/a' depends on itself/);
    fails(
      () => ids([local('a', { dependsOn: { './b': {} } }), local('b', { installsAfter: ['./a'] })]),
      /cycle.*'\.\/a' → '\.\/b' → '\.\/a'/,
    );
    fails(() => ids([local('a', { dependsOn: { node: {} } })]), /unusable dependsOn 'node'/);
  });

  it('1 000 Features in a chain and a 1 000-long cycle finish fast', () => {
    const t0 = Date.now();
    const chain = Array.from({ length: 1000 }, (_, i) =>
      local(`f${i}`, i ? { dependsOn: { [`./f${i - 1}`]: {} } } : {}),
    );
    const order = ids(chain.reverse());
    assert.equal(order[0], 'f0');
    assert.equal(order[999], 'f999');
    const cycle = Array.from({ length: 1000 }, (_, i) =>
      local(`c${i}`, { dependsOn: { [`./c${(i + 1) % 1000}`]: {} } }),
    );
    fails(() => ids(cycle), /cycle.*→ …/);
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
  });
});

describe('Features: merge', () => {
  it('Features in order, then the config; hooks run Features first', () => {
    const a = meta({
      id: 'a',
      containerEnv: { A: '1', X: 'a' },
      capAdd: ['SYS_PTRACE'],
      securityOpt: ['seccomp=unconfined'],
      mounts: ['type=volume,source=v,target=/data'],
      entrypoint: '/a.sh',
      postCreateCommand: 'echo a',
    });
    const b = meta({
      id: 'b',
      containerEnv: { X: 'b' },
      capAdd: ['SYS_PTRACE', 'NET_ADMIN'],
      init: true,
      entrypoint: '/b.sh',
      postCreateCommand: ['echo', 'b'],
    });
    const m = mergeFeatures([a, b], {
      containerEnv: { X: 'config' },
      mounts: [{ type: 'bind', source: '/h', target: '/data' }],
      capAdd: ['NET_ADMIN'],
      hooks: { postCreateCommand: 'echo config', postStartCommand: 'echo start' },
    });
    assert.deepEqual({ ...m.containerEnv }, { A: '1', X: 'config' });
    assert.deepEqual(m.capAdd, ['SYS_PTRACE', 'NET_ADMIN']);
    assert.deepEqual(m.securityOpt, ['seccomp=unconfined']);
    assert.deepEqual(m.mounts, [{ type: 'bind', source: '/h', target: '/data' }]);
    assert.equal(m.init, true);
    assert.equal(m.privileged, false);
    assert.deepEqual(m.entrypoints, ['/a.sh', '/b.sh']);
    assert.deepEqual(m.hooks.postCreateCommand, ['echo a', ['echo', 'b'], 'echo config']);
    assert.deepEqual(m.hooks.postStartCommand, ['echo start']);
    assert.deepEqual(m.hooks.onCreateCommand, []);
  });
});

describe('Features: layer', () => {
  const dir = join(fixturesDir, 'features/chain/.devcontainer');

  async function layerOf(options: UserOptions = {}, base = 'debian:bookworm') {
    const order = installOrder({
      features: ['base', 'lib', 'app'].map((id) => ({
        ref: parseFeatureRef(`./${id}`, { configDir: dir, boundaryDir: dir }),
        metadata: parseFeatureMetadata(
          JSON.stringify({
            id,
            containerEnv: id === 'lib' ? { PATH: '/x:${PATH}', Q: 'a"b\\c' } : {},
            options: { v: { type: 'string', default: 'd' } },
          }),
          id,
        ),
        userOptions: id === 'app' ? options : {},
      })),
      refContext: { configDir: dir, boundaryDir: dir },
    }).order;
    const features: LayerFeature[] = [];
    for (const feature of order)
      features.push({ feature, folder: feature.ref.resource, files: await readFeatureFolder(feature.ref.resource) });
    return planLayer({ baseImage: base, users: { containerUser: 'root', remoteUser: 'dev' }, features });
  }

  it('one COPY + RUN per Feature, ENV before it, names only as build args', async () => {
    const p = await layerOf({ v: "$(reboot)'" }, 'evil\nRUN rm -rf /');
    assert.equal((p.dockerfile.match(/^RUN /gm) ?? []).length, 3);
    assert.match(p.dockerfile, /^FROM \$_CWS_BASE_IMAGE$/m);
    assert.doesNotMatch(p.dockerfile, /evil|reboot/);
    assert.equal(p.buildArgs._CWS_BASE_IMAGE, 'evil\nRUN rm -rf /');
    assert.match(p.dockerfile, /ENV PATH="\/x:\$\{PATH\}"\nENV Q="a\\"b\\\\c"\nCOPY features\/3_lib\//);
    assert.match(p.dockerfile, /cd \/tmp\/dev-container-features\/1_app \\\n && set -a/);
    assert.match(p.dockerfile, /chmod \+x \.\/install\.sh \\\n && \.\/install\.sh/);
    const env = p.context.find((e) => e.to === 'features/1_app/devcontainer-features.env');
    assert.deepEqual(env && env.kind === 'file' && env.content, `V='$(reboot)'\\'''\n`);
    assert.deepEqual(
      p.context.filter((e) => e.kind === 'folder').map((e) => e.to),
      ['features/1_app', 'features/2_base', 'features/3_lib'],
    );
  });

  it('the hash: same input same tag; options, base or files change it', async () => {
    const a = await layerOf();
    const b = await layerOf();
    assert.equal(a.dockerfile, b.dockerfile);
    assert.equal(a.tag, b.tag);
    assert.match(a.tag, /^container-workspaces-features:[0-9a-f]{32}$/);
    assert.notEqual((await layerOf({ v: 'other' })).hash, a.hash);
    assert.notEqual((await layerOf({}, 'debian:trixie')).hash, a.hash);
    const base = planLayer({ baseImage: 'x', users: { containerUser: 'root' }, features: [] });
    assert.equal(base.hash, planLayer({ baseImage: 'x', users: { containerUser: 'root' }, features: [] }).hash);
  });

  it('a folder that is not a Feature (no devcontainer-feature.json) is refused', async () => {
    await assert.rejects(readFeatureFolder(join(fixturesDir, 'features')), /no devcontainer-feature\.json/);
  });
});

describe('Features: fixtures', () => {
  it('every fixture config resolves (the cycle one fails naming it)', () => {
    for (const name of ['chain', 'soft', 'override', 'options', 'mixed']) {
      const c = loadLocalConfig(join(fixturesDir, 'features', name, '.devcontainer/devcontainer.json'));
      assert.ok(
        installOrder({ features: c.features, overrideOrder: c.overrideOrder, refContext: c.ctx }).order.length > 0,
      );
    }
    const c = loadLocalConfig(join(fixturesDir, 'features/cycle/.devcontainer/devcontainer.json'));
    fails(() => installOrder({ features: c.features, refContext: c.ctx }), /cycle.*'\.\/m'/);
  });
});
