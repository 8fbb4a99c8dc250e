import * as assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { detectDevcontainers, parseDevcontainer, parseSize } from '../../src/core/detection/devcontainers';
import type { ContextDiagnostic, ReadText } from '../../src/core/detection/types';
import { repoRoot } from '../support/paths';

const root = join(repoRoot, 'test/fixtures/context/devcontainer');
/** A fixture folder's listing as detection gets it: relative POSIX paths of its files. */
const list = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => statSync(join(dir, p)).isFile())
    .map((p) => p.split('\\').join('/'))
    .sort();
const readFs: ReadText = async (p) => readFile(p, 'utf8').catch(() => undefined);
const detect = async (sub: string) => {
  const dir = join(root, sub);
  return { dir, ...(await detectDevcontainers(dir, list(dir), readFs)) };
};
/** [severity, line, column, message] of each diagnostic. */
const brief = (ds: ContextDiagnostic[]) => ds.map((d) => [d.severity, d.range.line, d.range.column, d.message]);

describe('dev container detection (devcontainers.ts)', () => {
  it('image config with comments and trailing commas: every field, the default workspace folder and mount', async () => {
    const { dir, configs, diagnostics } = await detect('image');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(configs, [
      {
        path: join(dir, '.devcontainer/devcontainer.json'),
        name: 'Node image',
        kind: 'image',
        image: 'mcr.microsoft.com/devcontainers/javascript-node:20',
        build: undefined,
        compose: undefined,
        workspaceFolder: '/workspaces/image',
        workspaceMount: `source=${dir},target=/workspaces/image,type=bind,consistency=cached`,
        forwardPorts: [3000, 'db:5432'],
        containerEnv: { NODE_ENV: 'development' },
        remoteUser: 'node',
        postCreateCommand: ['npm', 'ci'],
      },
    ]);
  });

  it('JSONC oddities: block and line comments, comments inside arrays, "//" and "/*" inside strings, trailing commas, a duplicate key; legacy dockerFile + context', async () => {
    const { dir, configs, diagnostics } = await detect('jsonc');
    assert.deepEqual(diagnostics, []);
    const c = configs[0];
    assert.equal(c.name, 'Legacy // not a comment');
    assert.equal(c.image, undefined, 'the commented-out image is not read');
    assert.equal(c.kind, 'build');
    assert.deepEqual(c.build, {
      dockerfile: join(dir, 'docker/dev.Dockerfile'),
      context: dir,
      target: undefined,
      args: {},
    });
    assert.deepEqual(c.forwardPorts, [8080, 9229, 'db:5432']);
    assert.deepEqual(c.containerEnv, {
      DOCS_URL: 'https://example.com/docs/*not a comment*/',
      RETRIES: '3',
      VERBOSE: 'true',
    });
    assert.equal(c.postCreateCommand, 'npm ci && npm run build');
    assert.equal(c.remoteUser, 'node', 'the last of two "remoteUser" keys wins');
    assert.equal(c.workspaceFolder, '/workspaces/jsonc');
  });

  it('build config: dockerfile and context relative to devcontainer.json, target, args as text, custom folder and mount kept as written', async () => {
    const { dir, configs, diagnostics } = await detect('build');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      configs.map((c) => [c.kind, c.build, c.workspaceFolder, c.workspaceMount, c.postCreateCommand]),
      [
        [
          'build',
          {
            dockerfile: join(dir, '.devcontainer/Dockerfile'),
            context: dir,
            target: 'dev',
            args: { VARIANT: '3.12', N: '2' },
          },
          '/src',
          'source=${localWorkspaceFolder},target=/src,type=bind',
          { deps: 'pip install -r requirements.txt', hooks: ['pre-commit', 'install'] },
        ],
      ],
    );
  });

  it('compose config: one file or several, relative to devcontainer.json; service, runServices, workspaceFolder as written, no mount of its own', async () => {
    const many = await detect('compose');
    assert.deepEqual(many.diagnostics, []);
    assert.deepEqual(
      [many.configs[0].kind, many.configs[0].compose],
      [
        'compose',
        {
          files: [join(many.dir, 'docker-compose.yml'), join(many.dir, '.devcontainer/docker-compose.extend.yml')],
          service: 'app',
          runServices: ['app', 'db'],
        },
      ],
    );
    const one = await detect('composefull');
    assert.deepEqual(one.diagnostics, []);
    const c = one.configs[0];
    assert.deepEqual(c.compose, {
      files: [join(one.dir, '.devcontainer/docker-compose.yml')],
      service: 'app',
      runServices: undefined,
    });
    assert.equal(c.workspaceFolder, '/workspaces/${localWorkspaceFolderBasename}');
    assert.equal(c.workspaceMount, '');
    assert.deepEqual(c.forwardPorts, [3000, 'db:5432']);
    assert.deepEqual(c.postCreateCommand, { gems: 'bundle install', db: ['bin/rails', 'db:prepare'] });
    assert.equal(c.remoteUser, 'vscode');
  });

  it('compose config without workspaceFolder (and without service): errors at "dockerComposeFile"; the config still counts, opening "/"', async () => {
    const { dir, configs, diagnostics } = await detect('composebad');
    assert.deepEqual(brief(diagnostics), [
      ['error', 2, 2, 'A Compose dev container needs "service".'],
      ['error', 2, 2, 'A Compose dev container needs "workspaceFolder".'],
    ]);
    assert.ok(
      diagnostics.every((d) => d.file === join(dir, '.devcontainer/devcontainer.json') && d.source === 'devcontainer'),
    );
    assert.deepEqual(
      configs.map((c) => [c.kind, c.compose, c.workspaceFolder]),
      [
        [
          'compose',
          {
            files: [join(dir, 'compose.yaml'), join(dir, '.devcontainer/compose.devcontainer.yaml')],
            service: '',
            runServices: ['db'],
          },
          '/',
        ],
      ],
    );
    const only = await detect('nocompose');
    assert.deepEqual(brief(only.diagnostics), [['error', 1, 2, 'A Compose dev container needs "workspaceFolder".']]);
  });

  it('offers .devcontainer/devcontainer.json, then .devcontainer.json, then .devcontainer/<name>/devcontainer.json by name; not deeper', async () => {
    const { dir, configs, diagnostics } = await detect('ordering');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      configs.map((c) => [c.path.slice(dir.length + 1), c.name]),
      [
        ['.devcontainer/devcontainer.json', 'default'],
        ['.devcontainer.json', 'root file'],
        ['.devcontainer/go/devcontainer.json', 'Go'],
        ['.devcontainer/python/devcontainer.json', 'Python'],
      ],
    );
    // A sub-folder config's paths are relative to its own folder.
    assert.deepEqual(configs[3].build, {
      dockerfile: join(dir, '.devcontainer/python/Dockerfile'),
      context: join(dir, '.devcontainer/python'),
      target: undefined,
      args: {},
    });
    assert.deepEqual(
      (await detect('rootfile')).configs.map((c) => [c.kind, c.image]),
      [['image', 'debian:12']],
    );
  });

  it('broken JSONC: each syntax error at its line and column; what the parser recovers is still read', async () => {
    const { configs, diagnostics } = await detect('recovering');
    assert.deepEqual(brief(diagnostics), [
      ['error', 3, 24, 'JSON syntax error: Value expected.'],
      ['error', 5, 2, 'JSON syntax error: Comma expected.'],
      ['error', 6, 0, 'JSON syntax error: Closing brace "}" expected.'],
    ]);
    assert.deepEqual(
      configs.map((c) => [c.image, c.forwardPorts, c.remoteUser, c.containerEnv]),
      [['mcr.microsoft.com/devcontainers/base:bookworm', [3000, 5432], 'vscode', { TZ: 'UTC' }]],
    );
    const missingComma = await detect('broken');
    // `[8080` without "]" nor ",": the parser reads on inside the array; its follow-on errors on the same
    // line are not repeated, and no type warnings are made up from its guesses.
    assert.deepEqual(brief(missingComma.diagnostics), [
      ['error', 3, 2, 'JSON syntax error: Comma expected.'],
      ['error', 5, 0, 'JSON syntax error: Closing bracket "]" expected.'],
    ]);
    assert.deepEqual(
      missingComma.configs.map((c) => [c.kind, c.image, c.forwardPorts]),
      [['image', 'ubuntu:24.04', [8080]]],
    );
  });

  it('wrong types are warnings at the value and read as absent; the valid ports and variables stay', async () => {
    const { configs, diagnostics } = await detect('badtypes');
    assert.deepEqual(brief(diagnostics), [
      ['warning', 4, 4, 'A forwarded port is a port number (0-65535) or a "host:port" string.'],
      ['warning', 5, 4, 'A forwarded port is a port number (0-65535) or a "host:port" string.'],
      ['warning', 6, 4, 'A forwarded port is a port number (0-65535) or a "host:port" string.'],
      ['warning', 9, 56, '"containerEnv" values should be strings.'],
      ['warning', 10, 16, '"remoteUser" should be a string.'],
      [
        'warning',
        11,
        23,
        '"postCreateCommand" should be a command string, an array of arguments, or an object of named commands.',
      ],
    ]);
    const c = configs[0];
    assert.deepEqual(
      [c.forwardPorts, c.containerEnv, c.remoteUser, c.postCreateCommand],
      [[3000, 'api:8080'], { NODE_ENV: 'development' }, undefined, undefined],
    );
    const multi = await detect('multi');
    assert.deepEqual(brief(multi.diagnostics), [['warning', 0, 38, '"forwardPorts" should be an array of ports.']]);
    assert.deepEqual(
      multi.configs.map((c) => [c.image, c.forwardPorts]),
      [
        ['node:20', []],
        ['python:3.12', []],
      ],
    );
  });

  it('nothing to run (no image, build.dockerfile or dockerComposeFile) is an error and no config', async () => {
    const { dir, configs, diagnostics } = await detect('noimage');
    assert.deepEqual(configs, []);
    assert.deepEqual(diagnostics, [
      {
        file: join(dir, '.devcontainer.json'),
        severity: 'error',
        source: 'devcontainer',
        message: 'A dev container needs "image", "build.dockerfile" or "dockerComposeFile".',
        range: { line: 0, column: 0, endLine: 0, endColumn: 1 },
      },
    ]);
  });

  it('never throws: not an object, empty, unreadable, or a reader that throws', async () => {
    const folder = '/ws';
    const texts: Record<string, string> = {
      '.devcontainer/devcontainer.json': '[]',
      '.devcontainer/empty/devcontainer.json': '',
    };
    const { configs, diagnostics } = await detectDevcontainers(
      folder,
      [...Object.keys(texts), '.devcontainer/gone/devcontainer.json'],
      (p) => Promise.resolve(texts[p.slice(folder.length + 1)]),
    );
    assert.deepEqual(configs, []);
    assert.deepEqual(
      diagnostics.map((d) => [d.file.slice(folder.length + 1), d.severity, d.message]),
      [
        ['.devcontainer/devcontainer.json', 'error', 'devcontainer.json should hold a JSON object.'],
        ['.devcontainer/empty/devcontainer.json', 'error', 'JSON syntax error: Value expected.'],
      ],
    );
    const thrown = await detectDevcontainers(folder, ['.devcontainer.json'], () => Promise.reject(new Error('EACCES')));
    assert.deepEqual(
      [thrown.configs, thrown.diagnostics.map((d) => [d.file, d.severity, d.message])],
      [[], [['/ws/.devcontainer.json', 'warning', '.devcontainer.json was not read: it could not be read (EACCES).']]],
    );
  });

  it('a UTF-8 byte-order mark (as Windows editors write it) is not a syntax error', async () => {
    const { configs, diagnostics } = await detectDevcontainers('/ws', ['.devcontainer.json'], () =>
      Promise.resolve('\uFEFF{ "image": "alpine:3.20" }\n'),
    );
    assert.deepEqual([configs.map((c) => c.image), diagnostics], [['alpine:3.20'], []]);
  });

  it('a config using every property of the schema: each read into the config, only the deprecated appPort warned about', async () => {
    const { dir, configs, diagnostics } = await detect('everything');
    assert.deepEqual(brief(diagnostics), [
      ['warning', 23, 2, '"appPort" is deprecated: use "forwardPorts" instead (it is still published).'],
    ]);
    const { features, ...c } = configs[0];
    assert.deepEqual(
      features?.map((f) => [f.id, f.options, f.range.line, f.range.column]),
      [
        ['ghcr.io/devcontainers/features/common-utils:2', { installZsh: true, username: 'node' }, 14, 4],
        ['ghcr.io/devcontainers/features/docker-in-docker:2', 'latest', 15, 4],
        ['./local-feature', true, 16, 4],
      ],
    );
    assert.deepEqual(c, {
      path: join(dir, '.devcontainer/devcontainer.json'),
      name: 'Everything',
      kind: 'build',
      image: undefined,
      build: {
        dockerfile: join(dir, '.devcontainer/Dockerfile'),
        context: dir,
        target: 'dev',
        args: { NODE_VERSION: '20' },
        cacheFrom: ['ghcr.io/example/app-devcontainer:latest'],
        options: ['--add-host=registry.local:10.0.0.5', '--network=host'],
      },
      compose: undefined,
      workspaceFolder: '/workspaces/app',
      workspaceMount: 'source=${localWorkspaceFolder},target=/workspaces/app,type=bind',
      forwardPorts: [3000, 'db:5432'],
      containerEnv: { NODE_ENV: 'development' },
      containerUser: 'node',
      remoteUser: 'node',
      overrideFeatureInstallOrder: ['ghcr.io/devcontainers/features/common-utils'],
      initializeCommand: 'echo initializing on the host',
      onCreateCommand: ['npm', 'ci'],
      updateContentCommand: 'npm run build',
      postCreateCommand: { hooks: 'npx husky install', db: ['npm', 'run', 'db:migrate'] },
      postStartCommand: 'npm run watch &',
      postAttachCommand: { greet: 'echo attached' },
      waitFor: 'onCreateCommand',
      runArgs: ['--cap-add=SYS_PTRACE', '--security-opt', 'seccomp=unconfined', '--shm-size=1g'],
      mounts: [
        'source=app-node-modules-${devcontainerId},target=/workspaces/app/node_modules,type=volume',
        { type: 'bind', source: '${localEnv:HOME}/.ssh', target: '/home/node/.ssh' },
      ],
      remoteEnv: { PATH: '${containerEnv:PATH}:/home/node/.local/bin', UNSET_ME: null },
      updateRemoteUserUID: true,
      overrideCommand: true,
      shutdownAction: 'stopContainer',
      hostRequirements: { cpus: 2, memory: 4 * 1024 ** 3, storage: 32 * 1024 ** 3, gpu: 'optional' },
      init: true,
      privileged: false,
      capAdd: ['NET_ADMIN'],
      securityOpt: ['apparmor=unconfined'],
      userEnvProbe: 'loginInteractiveShell',
      appPort: [8080, '9000:9001'],
    });
  });

  it('unknown, moved and misplaced properties, and wrong values of the new ones: a warning each at the key or value, read as absent', async () => {
    const { configs, diagnostics } = await detect('schemawarnings');
    assert.deepEqual(brief(diagnostics), [
      ['warning', 2, 2, '"extensions" has moved to "customizations.vscode.extensions"; here it is ignored.'],
      ['warning', 3, 2, '"settings" has moved to "customizations.vscode.settings"; here it is ignored.'],
      ['warning', 4, 2, '"dockerComposeService" is not a dev container property; it is ignored.'],
      ['warning', 5, 2, '"service" applies to Compose configs only; it is ignored.'],
      ['warning', 6, 13, '"build.dockerfil" is not a dev container property; it is ignored.'],
      [
        'warning',
        7,
        57,
        'Feature "ghcr.io/devcontainers/features/node:1": its options should be a version string, true or false, or an object of options.',
      ],
      ['warning', 7, 61, 'A Feature needs a reference as its key (e.g. "ghcr.io/devcontainers/features/node:1").'],
      [
        'warning',
        8,
        13,
        '"waitFor" should be one of "initializeCommand", "onCreateCommand", "updateContentCommand", "postCreateCommand", "postStartCommand".',
      ],
      ['warning', 9, 20, '"shutdownAction" should be one of "none", "stopContainer".'],
      ['warning', 10, 10, '"init" should be true or false.'],
      ['warning', 11, 49, 'A mount object\'s "type" should be "bind" or "volume".'],
      ['warning', 11, 110, 'A mount object has only "type", "source" and "target"; "ro" is ignored.'],
      ['warning', 12, 22, '"remoteEnv" values should be strings, or null to unset a variable.'],
      ['warning', 13, 32, '"hostRequirements.cpus" should be a whole number of at least 1.'],
      ['warning', 13, 45, '"hostRequirements.memory" should be a size such as "4gb" or "512mb".'],
      ['warning', 13, 53, '"hostRequirements.gpus" is not a dev container property; it is ignored.'],
      [
        'warning',
        14,
        21,
        '"onCreateCommand" should be a command string, an array of arguments, or an object of named commands.',
      ],
      ['warning', 15, 2, '"appPort" is deprecated: use "forwardPorts" instead (it is still published).'],
    ]);
    const c = configs[0];
    assert.deepEqual(
      [c.features, c.waitFor, c.shutdownAction, c.init, c.remoteEnv, c.hostRequirements, c.onCreateCommand],
      [[], undefined, undefined, undefined, {}, {}, undefined],
    );
    // The string mount is checked when the container is planned (workspace/mounts.ts); the bad object is left out.
    assert.deepEqual(c.mounts, ['type=tmpfs,target=/tmp', { type: 'bind', target: '/y' }]);
  });

  it('a Compose config: stopCompose accepted, runArgs warned about (it belongs in the Compose file), Features and hooks read', async () => {
    const { configs, diagnostics } = await detect('composehooks');
    assert.deepEqual(brief(diagnostics), [
      [
        'warning',
        8,
        2,
        '"runArgs" applies to image and Dockerfile configs; set it in the Compose file. It is ignored.',
      ],
    ]);
    const c = configs[0];
    assert.deepEqual(
      [c.kind, c.shutdownAction, c.overrideCommand, c.runArgs, c.postStartCommand, c.features?.map((f) => f.id)],
      [
        'compose',
        'stopCompose',
        false,
        undefined,
        'git config --global --add safe.directory /workspace',
        ['ghcr.io/devcontainers/features/git:1'],
      ],
    );
    const wrongKind = parseDevcontainer(
      '/ws/.devcontainer.json',
      '{ "dockerComposeFile": "c.yml", "service": "a", "workspaceFolder": "/w", "shutdownAction": "stopContainer" }',
      '/ws',
    );
    assert.deepEqual(
      wrongKind.diagnostics.map((d) => d.message),
      ['"shutdownAction" should be one of "none", "stopCompose".'],
    );
  });

  it('hostile keys: "__proto__" in features, containerEnv, remoteEnv and commands stays a plain key; thousands of unknown properties are read fast', () => {
    const text =
      '{ "image": "x", "features": { "__proto__": { "polluted": true } }, "containerEnv": { "__proto__": "a" },' +
      ' "remoteEnv": { "__proto__": "b" }, "postCreateCommand": { "__proto__": "echo hi" } }';
    const { config, diagnostics } = parseDevcontainer('/ws/.devcontainer.json', text, '/ws');
    assert.deepEqual(diagnostics, []);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(
      config?.features?.map((f) => f.id),
      ['__proto__'],
    );
    assert.equal(Object.getPrototypeOf(config?.containerEnv), Object.prototype);
    assert.deepEqual(Object.keys(config?.containerEnv ?? {}), ['__proto__']);
    assert.deepEqual(Object.keys(config?.remoteEnv ?? {}), ['__proto__']);
    assert.deepEqual(Object.keys(config?.postCreateCommand as object), ['__proto__']);

    const many = `{ "image": "x", ${Array.from({ length: 20_000 }, (_, i) => `"p${i}": ${i}`).join(', ')} }`;
    const started = Date.now();
    const r = parseDevcontainer('/ws/.devcontainer.json', many, '/ws');
    assert.ok(Date.now() - started < 2000, 'read in under 2 s');
    assert.equal(r.diagnostics.length, 20_000, 'one warning each (detect.ts caps what is shown per file)');
    assert.equal(r.diagnostics[0].message, '"p0" is not a dev container property; it is ignored.');
  });

  it('sizes for hostRequirements: tb/gb/mb/kb in units of 1024, case-insensitive; anything else is not a size', () => {
    assert.deepEqual(['4gb', '512MB', '1tb', '2kb', '1024', '4 gb', '4g', '-1gb', '99999999999999gb'].map(parseSize), [
      4 * 1024 ** 3,
      512 * 1024 ** 2,
      1024 ** 4,
      2048,
      1024,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('a 20,000-file listing with two configs reads only those two (speed: npm run bench:context)', async () => {
    const folder = '/big';
    const files: string[] = [];
    for (let i = 0; i < 20_000; i++) files.push(`src/feature${i % 300}/component${i}.tsx`);
    files.push('.devcontainer/devcontainer.json', '.devcontainer/gpu/devcontainer.json', 'docs/devcontainer.json');
    let reads = 0;
    const read: ReadText = () => {
      reads++;
      return Promise.resolve('{ "image": "node:20", "forwardPorts": [3000] }');
    };
    const r = await detectDevcontainers(folder, files, read);
    assert.equal(r.configs.length, 2);
    assert.equal(reads, 2, 'only the two candidates are read');
  });
});
