import * as assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { detectDockerfiles } from '../../src/core/detection/dockerfiles';
import type { ReadText } from '../../src/core/detection/types';
import { repoRoot } from '../support/paths';

const root = join(repoRoot, 'test/fixtures/context/dockerfiles');
/** A fixture folder's listing as detection gets it: relative POSIX paths of its files. */
const list = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => statSync(join(dir, p)).isFile())
    .map((p) => p.split('\\').join('/'))
    .sort();
const readFs: ReadText = async (p) => readFile(p, 'utf8').catch(() => undefined);
const detect = async (sub: string) => {
  const dir = join(root, sub);
  return { dir, ...(await detectDockerfiles(dir, list(dir), readFs)) };
};
const stages = (d: { stages: { name?: string; baseImage: string; line: number }[] }) =>
  d.stages.map((s) => [s.line, s.baseImage, s.name]);
/** A listing and reader held in memory: path → text. */
const memory = (folder: string, files: Record<string, string>): [string[], ReadText] => [
  Object.keys(files),
  (p) => Promise.resolve(files[p.slice(folder.length + 1)]),
];

describe('Dockerfile detection (dockerfiles.ts)', () => {
  it('multi-stage: --platform flags, AS in any case, stage references, and heredoc bodies that are not instructions', async () => {
    const { dir, dockerfiles, diagnostics } = await detect('platform');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      dockerfiles.map((d) => [d.path, d.podmanLeaning]),
      [[join(dir, 'Dockerfile'), false]],
    );
    assert.deepEqual(stages(dockerfiles[0]), [
      [4, 'golang:${GO_VERSION}-alpine', 'build'],
      [15, 'build', 'test'],
      // `FROM scratch AS not-a-stage` (line 19) and `echo "FROM busybox"` sit inside heredocs.
      [27, 'gcr.io/distroless/static-debian12:nonroot', 'release'],
    ]);
  });

  it('line continuations: a FROM split over lines with a comment inside, lower-case keywords, an indented FROM', async () => {
    const { dockerfiles, diagnostics } = await detect('continuation');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(stages(dockerfiles[0]), [
      [2, 'python:${PYTHON}-slim-bookworm', 'base'],
      [10, 'base', 'deps'],
      [15, 'deps', undefined],
    ]);
  });

  it('`# escape=`` makes the backtick the continuation character (CRLF file): a path ending in \\ does not swallow the next FROM', async () => {
    const { dir, dockerfiles, diagnostics } = await detect('windows');
    assert.ok(
      (await readFile(join(dir, 'Dockerfile'), 'utf8')).includes('`\r\n'),
      'the fixture keeps its CRLF line ends',
    );
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(stages(dockerfiles[0]), [
      [2, 'mcr.microsoft.com/dotnet/sdk:8.0-windowsservercore-ltsc2022', 'build'],
      [8, 'mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022', 'runtime'],
    ]);
  });

  it('the escape directive only counts at the top: after an instruction it is a plain comment', async () => {
    const folder = '/ws';
    const [files, read] = memory(folder, {
      Dockerfile: 'FROM alpine AS a\n# escape=`\nRUN echo `\nFROM busybox AS b\n',
    });
    const { dockerfiles } = await detectDockerfiles(folder, files, read);
    assert.deepEqual(stages(dockerfiles[0]), [
      [0, 'alpine', 'a'],
      [3, 'busybox', 'b'],
    ]);
  });

  it('Containerfiles lean to Podman, Dockerfiles do not', async () => {
    const { dir, dockerfiles } = await detect('podman');
    assert.deepEqual(
      dockerfiles.map((d) => [d.path, d.podmanLeaning, stages(d)]),
      [
        [
          join(dir, 'Containerfile'),
          true,
          [
            [0, 'registry.fedoraproject.org/fedora:40', 'builder'],
            [5, 'registry.fedoraproject.org/fedora-minimal:40', undefined],
          ],
        ],
        [join(dir, 'Dockerfile.dev'), false, [[0, 'alpine:3.20', 'dev']]],
      ],
    );
  });

  it('finds Dockerfile, Dockerfile.<suffix> and <name>.Dockerfile in a tree, but not docs, ignore files or templates', async () => {
    const { dir, dockerfiles } = await detect('.');
    assert.deepEqual(
      dockerfiles.map((d) => d.path.slice(dir.length + 1)),
      [
        'badfrom/Dockerfile',
        'continuation/Dockerfile',
        'empty/Dockerfile',
        'multi/Dockerfile',
        'nofrom/Dockerfile',
        'platform/Dockerfile',
        'podman/Containerfile',
        'podman/Dockerfile.dev',
        'services/api.Dockerfile',
        'windows/Dockerfile',
      ],
    );
  });

  it('name rules over a listing: the Containerfile forms too, case-insensitive, documented exclusions', async () => {
    const folder = '/ws';
    const names = [
      'Dockerfile',
      'dockerfile',
      'Containerfile',
      'Dockerfile.dev',
      'Dockerfile.alpine.arm64',
      'Containerfile.prod',
      'ci/build.containerfile',
      'web/App.Dockerfile',
      'Dockerfile.md',
      'Dockerfile.txt',
      'Dockerfile.dockerignore',
      'web/App.Dockerfile.dockerignore',
      'Dockerfile.j2',
      'Dockerfile.template',
      'Dockerfile.bak',
      'Dockerfile.sh',
      'DockerfileNotes',
      'my-dockerfile',
      '.dockerfile',
      'docs/Dockerfile-guide.md',
      'Containerfile.yaml',
    ];
    const [files, read] = memory(folder, Object.fromEntries(names.map((n) => [n, 'FROM scratch\n'])));
    const { dockerfiles } = await detectDockerfiles(folder, files, read);
    assert.deepEqual(
      dockerfiles.map((d) => [d.path.slice(folder.length + 1), d.podmanLeaning]),
      [
        ['Containerfile', true],
        ['Containerfile.prod', true],
        ['Dockerfile', false],
        ['Dockerfile.alpine.arm64', false],
        ['Dockerfile.dev', false],
        ['ci/build.containerfile', true],
        ['dockerfile', false],
        ['web/App.Dockerfile', false],
      ],
    );
  });

  it('a Dockerfile without FROM, or an empty one, is a warning on line 0', async () => {
    for (const sub of ['nofrom', 'empty']) {
      const { dir, dockerfiles, diagnostics } = await detect(sub);
      assert.deepEqual(
        dockerfiles.map((d) => d.stages),
        [[]],
      );
      assert.deepEqual(
        diagnostics.map((d) => [d.file, d.severity, d.source, d.range.line, d.message]),
        [
          [
            join(dir, 'Dockerfile'),
            'warning',
            'dockerfile',
            0,
            'No FROM instruction: this Dockerfile cannot be built.',
          ],
        ],
      );
    }
  });

  it('a FROM with a dangling AS or without an image is an error at its line; the good part still counts', async () => {
    const { dir, dockerfiles, diagnostics } = await detect('badfrom');
    assert.deepEqual(stages(dockerfiles[0]), [[1, 'node:20-alpine', undefined]]);
    assert.deepEqual(diagnostics, [
      {
        file: join(dir, 'Dockerfile'),
        severity: 'error',
        source: 'dockerfile',
        message: 'FROM takes an image, optionally followed by "AS name".',
        range: { line: 1, column: 0, endLine: 1, endColumn: 22 },
      },
      {
        file: join(dir, 'Dockerfile'),
        severity: 'error',
        source: 'dockerfile',
        message: 'FROM needs a base image.',
        range: { line: 4, column: 0, endLine: 4, endColumn: 27 },
      },
    ]);
  });

  it('never throws: unreadable files are left out, a throwing reader is survived', async () => {
    const folder = '/ws';
    const files = ['Dockerfile', 'api/Dockerfile'];
    const gone = await detectDockerfiles(folder, files, () => Promise.resolve(undefined));
    assert.deepEqual(gone, { dockerfiles: [], diagnostics: [] });
    const flaky = await detectDockerfiles(folder, files, (p) =>
      p.includes('api') ? Promise.reject(new Error('EIO')) : Promise.resolve('FROM alpine\n'),
    );
    assert.deepEqual(
      flaky.dockerfiles.map((d) => d.path),
      ['/ws/Dockerfile'],
    );
  });

  it('a 20,000-file listing with three Dockerfiles reads only those three (speed: npm run bench:context)', async () => {
    const folder = '/big';
    const files: string[] = [];
    for (let i = 0; i < 20_000; i++) files.push(`packages/p${i % 400}/src/module${i}.ts`);
    files.push('Dockerfile', 'services/api/Dockerfile', 'tools/Containerfile');
    let reads = 0;
    const read: ReadText = () => {
      reads++;
      return Promise.resolve('FROM node:20 AS build\nRUN make\nFROM gcr.io/distroless/nodejs20\n');
    };
    const r = await detectDockerfiles(folder, files, read);
    assert.equal(r.dockerfiles.length, 3);
    assert.equal(reads, 3, 'only the three candidates are read');
  });
});
