import * as assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { detectDevcontainers } from '../../src/core/detection/devcontainers';
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
