// Hostile folders against detection, on disk: special files where container files should be
// (FIFOs, sockets, devices, directories, link loops), reached directly or through COMPOSE_FILE,
// .env, include, extends and env_file; inputs that make naive parsers quadratic or exponential;
// control characters; and too few file handles. Each must end quickly, without a crash, with a
// diagnostic that names the file and says what was wrong.
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  ftruncateSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectDirectory } from '../../src/core/detection/detect';
import type { ContextDiagnostic, FolderContext } from '../../src/core/detection/types';
import { repoRoot } from '../support/paths';
import { tryBadInput } from '../support/tally';

// A hang is no answer in 30 s. Parsing runs in synchronous slices, so the hang timer only fires
// between files: on a loaded 2-core machine a 3 s-of-CPU file can take 10 s of wall time and must
// not count as a hang. How much work a file costs is held by CPU_LIMIT_MS below, not by this.
const LIMIT_MS = 30_000;
let root: string;
let n = 0;
const servers: Server[] = [];

/** A fresh folder with `files` (relative path → text); returns its path. */
function folder(files: Record<string, string> = {}): string {
  const dir = join(root, `case${++n}`);
  mkdirSync(dir, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const fifo = (path: string) => execFileSync('mkfifo', [path]);

async function socketAt(path: string): Promise<void> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, resolve);
  });
}

/** A file that claims `bytes` (sparse: nothing is written, so the claim is all there is). */
function sparse(path: string, bytes: number): void {
  const fd = openSync(path, 'w');
  ftruncateSync(fd, bytes);
  closeSync(fd);
}

type Detected = FolderContext & { truncated: boolean };

/** CPU seconds detection may spend on one hostile folder (measured, so a loaded machine does not fail it). */
const CPU_LIMIT_MS = 5_000;
/** Wall time for one synchronous parse, which tryBadInput's timer cannot interrupt. */
const WALL_LIMIT_MS = 30_000;

/**
 * detectDirectory on one hostile folder through tryBadInput; returns what it detected. Parsing is
 * synchronous, so a timer cannot interrupt it: the time and CPU it took are checked here too.
 */
async function detect(name: string, dir: string, env: NodeJS.ProcessEnv = {}): Promise<Detected> {
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  const r = await tryBadInput(name, (signal) => detectDirectory(dir, { env, signal }), { limitMs: LIMIT_MS });
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  if (process.env.CWS_HOSTILE_TIMES) console.log(`      ${name}: ${Date.now() - t0} ms, ${Math.round(cpuMs)} ms CPU`);
  assert.equal(r.error, undefined, `${name}: detection never throws (${String(r.error)})`);
  // Wall time is loose (other work shares the machine); CPU time is what detection itself spent.
  assert.ok(Date.now() - t0 < WALL_LIMIT_MS, `${name}: took ${Date.now() - t0} ms`);
  assert.ok(cpuMs < CPU_LIMIT_MS, `${name}: took ${Math.round(cpuMs)} ms of CPU`);
  return r.value!;
}

const messages = (c: { diagnostics: ContextDiagnostic[] }) => c.diagnostics.map((d) => d.message);

/** Some diagnostic on `file` (a suffix of its path) matches `re`. */
function assertDiagnostic(c: Detected, file: string, re: RegExp): ContextDiagnostic {
  const d = c.diagnostics.find((x) => x.file.endsWith(file) && re.test(x.message));
  assert.ok(d, `expected a diagnostic on ${file} matching ${re}; got ${JSON.stringify(c.diagnostics, null, 1)}`);
  return d;
}

before(() => {
  root = mkdtempSync(join(tmpdir(), 'cws-hostile-detect-'));
});
after(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  rmSync(root, { recursive: true, force: true });
});

describe('hostile detection: special files where container files should be', () => {
  it('a FIFO named docker-compose.yml', async () => {
    const dir = folder({ Dockerfile: 'FROM alpine\n' });
    fifo(join(dir, 'docker-compose.yml'));
    const c = await detect('compose file is a FIFO', dir);
    const d = assertDiagnostic(
      c,
      'docker-compose.yml',
      /^docker-compose\.yml was not read: it is a FIFO, not a regular file/,
    );
    assert.equal(d.severity, 'warning');
    assert.equal(c.dockerfiles.length, 1, 'the rest of the folder is still detected');
  });

  it('a unix socket named compose.yaml', async () => {
    const dir = folder();
    await socketAt(join(dir, 'compose.yaml'));
    const c = await detect('compose file is a socket', dir);
    assertDiagnostic(c, 'compose.yaml', /compose\.yaml was not read: it is a socket.*, not a regular file/);
  });

  it('docker-compose.yml linked to /dev/zero and compose.override.yml to /dev/urandom', async () => {
    const dir = folder();
    symlinkSync('/dev/zero', join(dir, 'docker-compose.yml'));
    const c = await detect('compose file links to /dev/zero', dir);
    assertDiagnostic(c, 'docker-compose.yml', /was not read: it is a device, not a regular file/);
    const dir2 = folder({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n' });
    symlinkSync('/dev/urandom', join(dir2, 'compose.override.yml'));
    const c2 = await detect('override links to /dev/urandom', dir2);
    assertDiagnostic(c2, 'compose.override.yml', /was not read: it is a device/);
    assert.deepEqual(
      c2.composeProjects[0]?.services.map((s) => s.name),
      ['web'],
      'the base file still counts',
    );
  });

  it('a directory named docker-compose.yml', async () => {
    const dir = folder({ 'docker-compose.yml/readme.txt': 'not a compose file' });
    const c = await detect('compose file is a directory', dir);
    assertDiagnostic(
      c,
      'docker-compose.yml',
      /docker-compose\.yml was not read: it is a directory, not a regular file/,
    );
  });

  it('a symbolic link loop named compose.yaml, and a directory link back to the root', async () => {
    const dir = folder({ 'sub/Dockerfile': 'FROM alpine\n' });
    symlinkSync('compose.yaml', join(dir, 'compose.yaml'));
    symlinkSync(dir, join(dir, 'sub', 'loop'));
    const c = await detect('compose file is a link loop', dir);
    assertDiagnostic(c, 'compose.yaml', /compose\.yaml was not read: it could not be read \(ELOOP\)/);
    assert.equal(c.dockerfiles.length, 1, 'the directory loop is not followed');
  });

  it('a link to a regular compose file is read', async () => {
    const dir = folder({ 'shared/base.yml': 'services:\n  api:\n    image: api:1\n' });
    symlinkSync(join(dir, 'shared', 'base.yml'), join(dir, 'compose.yaml'));
    const c = await detect('compose file links to a regular file', dir);
    assert.deepEqual(
      c.composeProjects[0]?.services.map((s) => s.name),
      ['api'],
    );
  });

  it('COMPOSE_FILE in .env pointing at a FIFO', async () => {
    const dir = folder({ '.env': 'COMPOSE_FILE=pipe.yml\n' });
    fifo(join(dir, 'pipe.yml'));
    const c = await detect('COMPOSE_FILE (.env) is a FIFO', dir);
    assertDiagnostic(
      c,
      '.env',
      /COMPOSE_FILE lists a file that cannot be read \(entry 1 of 1: it is a FIFO, not a regular file\)/,
    );
  });

  it('COMPOSE_FILE in the environment pointing at a FIFO and /dev/zero', async () => {
    const dir = folder();
    fifo(join(dir, 'pipe.yml'));
    const c = await detect('COMPOSE_FILE (environment) is a FIFO', dir, { COMPOSE_FILE: 'pipe.yml:/dev/zero' });
    assertDiagnostic(c, 'pipe.yml', /pipe\.yml was not read: it is a FIFO.*COMPOSE_FILE in the environment lists it/);
    assertDiagnostic(c, '/dev/zero', /zero was not read: it is a device/);
  });

  it('an .env that is a FIFO', async () => {
    const dir = folder({ 'compose.yaml': 'services:\n  web:\n    image: nginx:${TAG:-1}\n' });
    fifo(join(dir, '.env'));
    const c = await detect('.env is a FIFO', dir);
    assertDiagnostic(c, '.env', /^\.env was not read: it is a FIFO, not a regular file; Compose variables/);
    assert.equal(c.composeProjects[0]?.services[0]?.image, 'nginx:1', 'the project is still read');
  });

  it('include: of a FIFO, and of /dev/urandom', async () => {
    const dir = folder({
      'compose.yaml': 'include:\n  - inc.yml\n  - path: /dev/urandom\nservices:\n  web:\n    image: nginx\n',
    });
    fifo(join(dir, 'inc.yml'));
    const c = await detect('include of a FIFO', dir);
    const d = assertDiagnostic(
      c,
      'compose.yaml',
      /^inc\.yml \(include\) was not read: it is a FIFO, not a regular file/,
    );
    assert.equal(d.range.line, 1, 'at the include list');
    assertDiagnostic(c, 'compose.yaml', /^\/dev\/urandom \(include\) was not read: it is a device/);
  });

  it('extends: {file: /dev/zero}', async () => {
    const dir = folder({
      'compose.yaml': 'services:\n  web:\n    extends:\n      file: /dev/zero\n      service: base\n',
    });
    const c = await detect('extends.file is /dev/zero', dir);
    const d = assertDiagnostic(c, 'compose.yaml', /^\/dev\/zero \(extends\.file\) was not read: it is a device/);
    assert.equal(d.range.line, 3);
  });

  it('env_file: a FIFO, and a directory', async () => {
    const dir = folder({
      'compose.yaml': 'services:\n  web:\n    image: nginx\n    env_file:\n      - web.env\n      - path: conf.d\n',
      'conf.d/x': '',
    });
    fifo(join(dir, 'web.env'));
    const c = await detect('env_file is a FIFO', dir);
    assertDiagnostic(c, 'compose.yaml', /^web\.env \(env_file\) was not read: it is a FIFO/);
    assertDiagnostic(c, 'compose.yaml', /^conf\.d \(env_file\) was not read: it is a directory/);
  });

  it('a devcontainer.json that is a FIFO', async () => {
    const dir = folder();
    mkdirSync(join(dir, '.devcontainer'));
    fifo(join(dir, '.devcontainer', 'devcontainer.json'));
    const c = await detect('devcontainer.json is a FIFO', dir);
    assertDiagnostic(c, 'devcontainer.json', /^devcontainer\.json was not read: it is a FIFO/);
  });

  it('devcontainer dockerComposeFile a FIFO, build.dockerfile a link to /dev/zero', async () => {
    const dir = folder({
      '.devcontainer/devcontainer.json': '{ "dockerComposeFile": "pipe.yml", "service": "a", "workspaceFolder": "/w" }',
      '.devcontainer/b/devcontainer.json': '{ "build": { "dockerfile": "Dockerfile.zero" } }',
    });
    fifo(join(dir, '.devcontainer', 'pipe.yml'));
    symlinkSync('/dev/zero', join(dir, '.devcontainer', 'b', 'Dockerfile.zero'));
    const c = await detect('devcontainer references special files', dir);
    assertDiagnostic(
      c,
      '.devcontainer/devcontainer.json',
      /^pipe\.yml \(in "dockerComposeFile"\) was not read: it is a FIFO/,
    );
    assertDiagnostic(
      c,
      'b/devcontainer.json',
      /^Dockerfile\.zero \(in "build\.dockerfile"\) was not read: it is a device/,
    );
  });

  it('a Dockerfile that is a FIFO and a Containerfile linked to /dev/urandom', async () => {
    const dir = folder();
    fifo(join(dir, 'Dockerfile'));
    mkdirSync(join(dir, 'api'));
    symlinkSync('/dev/urandom', join(dir, 'api', 'Containerfile'));
    const c = await detect('Dockerfile is a FIFO', dir);
    assertDiagnostic(c, '/Dockerfile', /^Dockerfile was not read: it is a FIFO/);
    assertDiagnostic(c, 'api/Containerfile', /^Containerfile was not read: it is a device/);
  });

  it('a Kubernetes manifest and a Chart.yaml that are FIFOs', async () => {
    const dir = folder();
    mkdirSync(join(dir, 'deploy'));
    mkdirSync(join(dir, 'chart'));
    fifo(join(dir, 'deploy', 'app.yaml'));
    fifo(join(dir, 'chart', 'Chart.yaml'));
    const c = await detect('k8s manifest is a FIFO', dir);
    assertDiagnostic(c, 'deploy/app.yaml', /^app\.yaml was not read: it is a FIFO/);
    assertDiagnostic(c, 'chart/Chart.yaml', /^Chart\.yaml was not read: it is a FIFO/);
  });
});

describe('hostile detection: too large, too deep, too many', () => {
  it('a 50 MB compose file (sparse: it claims the size, holds zeros)', async () => {
    const dir = folder();
    sparse(join(dir, 'compose.yaml'), 50 * 1024 * 1024);
    const c = await detect('50 MB compose file', dir);
    assertDiagnostic(c, 'compose.yaml', /^compose\.yaml was not read: it is larger than 1 MiB/);
  });

  it('a 50 MB devcontainer.json, written out', async () => {
    const dir = folder({ '.devcontainer.json': `{"image":"${'x'.repeat(50 * 1024 * 1024)}"}` });
    const c = await detect('50 MB devcontainer.json', dir);
    assertDiagnostic(c, '.devcontainer.json', /was not read: it is larger than 1 MiB/);
  });

  it('billion laughs in a compose file', async () => {
    let yaml = 'x-a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 1; i < 10; i++)
      yaml += `x-a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(',')}]\n`;
    const dir = folder({ 'compose.yaml': `${yaml}services:\n  web:\n    image: nginx\n    labels: *a9\n` });
    const c = await detect('billion laughs compose', dir);
    assertDiagnostic(c, 'compose.yaml', /aliases expand too much/);
  });

  it('merge keys of merge keys (<<) in a compose file', async () => {
    let yaml = 'x-m0: &m0 {k0: v}\n';
    for (let i = 1; i < 40; i++) yaml += `x-m${i}: &m${i} {<<: [*m${i - 1}, *m${i - 1}], k${i}: v}\n`;
    const dir = folder({ 'compose.yaml': `${yaml}services:\n  web:\n    <<: *m39\n    image: nginx\n` });
    const c = await detect('merge key bomb compose', dir);
    assertDiagnostic(c, 'compose.yaml', /aliases expand too much/);
  });

  it('billion laughs in a Kubernetes manifest', async () => {
    let yaml =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\nx0: &a0 [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n';
    for (let i = 1; i < 10; i++)
      yaml += `x${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(',')}]\n`;
    const c = await detect('billion laughs k8s', folder({ 'k8s/lol.yaml': yaml }));
    assertDiagnostic(c, 'lol.yaml', /aliases expand too much/);
  });

  it('10,000-deep nested JSON in devcontainer.json', async () => {
    const deep = `{"image":"a","x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const c = await detect('10k-deep devcontainer.json', folder({ '.devcontainer/devcontainer.json': deep }));
    assertDiagnostic(c, 'devcontainer.json', /devcontainer\.json is nested more than 100 levels deep/);
  });

  it('200,000-deep flow YAML in a compose file, and 1,400-deep block YAML in a manifest', async () => {
    const flow = `services: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`;
    const c = await detect('200k-deep flow compose', folder({ 'compose.yaml': flow }));
    assertDiagnostic(c, 'compose.yaml', /nested more than 100 levels deep/);
    let block = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n';
    for (let i = 1; i < 1400; i++) block += `${' '.repeat(i)}k:\n`;
    const c2 = await detect('1400-deep block manifest', folder({ 'deep.yaml': block }));
    assertDiagnostic(c2, 'deep.yaml', /nested more than 100 levels deep/);
  });

  it('5,000 nested ${A:-${B:-…}} defaults', async () => {
    const nested = `${'${X:-'.repeat(5000)}end${'}'.repeat(5000)}`;
    const dir = folder({ 'compose.yaml': `services:\n  web:\n    image: "${nested}"\n` });
    const c = await detect('5000 nested defaults', dir);
    assertDiagnostic(c, 'compose.yaml', /Interpolation is nested too deep \(more than 20 levels/);
  });

  it('.env values that double each other (A, B=$A$A, C=$B$B, …)', async () => {
    let env = 'V0=0123456789abcdef\n';
    for (let i = 1; i < 60; i++) env += `V${i}=\${V${i - 1}}\${V${i - 1}}\n`;
    const dir = folder({ '.env': env, 'compose.yaml': 'services:\n  web:\n    image: "x${V59}"\n' });
    const c = await detect('.env chained expansion', dir);
    assertDiagnostic(c, '.env', /Interpolation makes this value too large|produces too much text/);
    const image = c.composeProjects[0]?.services[0]?.image ?? '';
    assert.ok(image.length <= 64 * 1024 + 1, `the value stays bounded (${image.length})`);
  });

  it('a compose file repeating one long variable 1,000 times', async () => {
    const dir = folder({
      '.env': `BIG=${'b'.repeat(60_000)}\n`,
      'compose.yaml': `services:\n  web:\n    image: nginx\n    labels:\n${Array.from({ length: 1000 }, (_, i) => `      l${i}: $BIG`).join('\n')}\n`,
    });
    const c = await detect('repeated long variable', dir);
    assertDiagnostic(c, 'compose.yaml', /produces too much text \(more than 4 MiB\)/);
  });

  it('a 200,000-line Dockerfile continuation', async () => {
    const text = `FROM alpine AS base\nRUN echo \\\n${'a\\\n'.repeat(200_000)}  done\nFROM base\n`;
    assert.ok(text.length < 1024 * 1024);
    const t0 = Date.now();
    const c = await detect('200k-line continuation Dockerfile', folder({ Dockerfile: text }));
    assert.deepEqual(
      c.dockerfiles[0]?.stages.map((s) => s.baseImage),
      ['alpine', 'base'],
    );
    assert.ok(Date.now() - t0 < 5000, `linear, not quadratic (${Date.now() - t0} ms)`);
  });

  it('100,000 broken FROM lines: 100 diagnostics and one that counts the rest', async () => {
    const c = await detect('100k Dockerfile errors', folder({ Dockerfile: 'FROM\n'.repeat(100_000) }));
    const mine = c.diagnostics.filter((d) => d.file.endsWith('Dockerfile'));
    assert.equal(mine.length, 101);
    assert.equal(mine[100].message, '99900 more problems in this file not shown (only the first 100 are).');
  });

  it('a compose file of 40,000 lines with 120,000 YAML errors, and a manifest of 45,000', async () => {
    const c = await detect('120k YAML errors', folder({ 'compose.yaml': 'x: ]\n'.repeat(40_000) }));
    const mine = c.diagnostics.filter((d) => d.file.endsWith('compose.yaml'));
    assert.equal(mine.length, 101);
    assert.match(mine[100].message, /^\d+ more problems in this file not shown/);
    const manifest = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n${'x: ]\n'.repeat(45_000)}`;
    const k = await detect('135k YAML errors in a manifest', folder({ 'm.yaml': manifest }));
    assert.ok(k.diagnostics.filter((d) => d.file.endsWith('m.yaml')).length <= 101);
  });

  it('a YAML file of 100,000 lines', async () => {
    const c = await detect('100k-line compose', folder({ 'compose.yaml': 'x: ]\n'.repeat(100_000) }));
    assertDiagnostic(c, 'compose.yaml', /^This Compose file has more than 50000 lines; it was not read/);
    const k = await detect(
      '100k-line manifest',
      folder({ 'm.yaml': `apiVersion: v1\nkind: A\n${'a: 1\n'.repeat(100_000)}` }),
    );
    assertDiagnostic(k, 'm.yaml', /^This manifest has more than 50000 lines/);
  });

  it('a compose file with one mapping of 45,000 keys, and 45,000 duplicate keys', async () => {
    const keys = Array.from({ length: 45_000 }, (_, i) => `  k${i}: 1`).join('\n');
    const c = await detect('45k distinct keys', folder({ 'compose.yaml': `x-big:\n${keys}\nservices: {}\n` }));
    assert.equal(c.composeProjects.length, 1, 'read, in seconds rather than minutes');
    const dup = await detect(
      '45k duplicate keys',
      folder({ 'compose.yaml': `services:\n${'  a: {image: x}\n'.repeat(45_000)}` }),
    );
    const mine = dup.diagnostics.filter((d) => d.file.endsWith('compose.yaml'));
    assert.equal(mine[0].message, 'Map keys must be unique');
    assert.equal(mine[0].range.line, 2);
    assert.match(mine[100].message, /^44899 more problems/);
  });

  it('a compose service with 100,000 bad ports', async () => {
    const ports = Array(100_000).fill('0').join(',');
    const c = await detect(
      '100k bad ports',
      folder({ 'compose.yaml': `services:\n  web:\n    image: x\n    ports: [${ports}]\n` }),
    );
    const mine = c.diagnostics.filter((d) => d.file.endsWith('compose.yaml'));
    assert.equal(mine.length, 101);
    assert.match(mine[100].message, /^99900 more problems in this file not shown/);
  });

  it('a devcontainer.json with 100,000 syntax errors', async () => {
    const c = await detect(
      '100k JSON errors',
      folder({ '.devcontainer.json': `{"image": "a",\n${'@\n'.repeat(100_000)}}` }),
    );
    const mine = c.diagnostics.filter((d) => d.file.endsWith('.devcontainer.json'));
    assert.equal(mine.length, 101);
  });

  it('manifests of 12,000 and of 24,000 YAML documents', async () => {
    const doc = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n';
    const c = await detect('12k-document manifest', folder({ 'many.yaml': doc.repeat(12_000) }));
    assertDiagnostic(c, 'many.yaml', /more than 1000 YAML documents; only the first 1000 were read/);
    assert.equal(c.kubernetes.resources.length, 1000);
    const tiny = `${doc}${'a: 1\n---\n'.repeat(24_000)}`;
    const c2 = await detect('24k-document manifest', folder({ 'tiny.yaml': tiny }));
    assertDiagnostic(c2, 'tiny.yaml', /more than 1000 YAML documents/);
  });

  it('COMPOSE_FILE listing 20,000 files that are not there', async () => {
    const list = Array.from({ length: 20_000 }, (_, i) => `missing${i}.yml`).join(':');
    const c = await detect('COMPOSE_FILE with 20k entries', folder({ '.env': `COMPOSE_FILE=${list}\n` }));
    assertDiagnostic(c, '.env', /^COMPOSE_FILE lists 20000 files, more than the 100 detection reads/);
    const mine = c.diagnostics.filter((d) => d.file.endsWith('.env'));
    assert.equal(mine.length, 101);
  });

  it('a folder of the worst files at once stops parsing at its time budget and says so', async () => {
    const dir = folder({
      'a/compose.yaml': 'x: ]\n'.repeat(40_000),
      'b/compose.yaml': `services:\n${'  a: {image: x}\n'.repeat(45_000)}`,
      'c/m.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n${'x: ]\n'.repeat(45_000)}`,
      'd/Dockerfile': 'FROM\n'.repeat(100_000),
      '.devcontainer.json': `{"image": "a",\n${'@\n'.repeat(100_000)}}`,
      'f/compose.yaml': `services:\n  web:\n    image: x\n    ports: [${Array(100_000).fill('0').join(',')}]\n`,
      'g/compose.yaml': `x-big:\n${Array.from({ length: 45_000 }, (_, i) => `  k${i}: 1`).join('\n')}\nservices: {}\n`,
      'h/compose.yaml': 'x: ]\n'.repeat(40_000),
      'i/compose.yaml': `services:\n${'  a: {image: x}\n'.repeat(45_000)}`,
      'j/compose.yaml': 'x: ]\n'.repeat(40_000),
    });
    const cpu0 = process.cpuUsage();
    const t0 = Date.now();
    const r = await tryBadInput('folder of the worst files', (signal) => detectDirectory(dir, { env: {}, signal }), {
      limitMs: LIMIT_MS,
    });
    const cpu = process.cpuUsage(cpu0);
    const c = r.value!;
    // Each file either parsed (its problems capped) or reported; the whole stays near the budget.
    for (const f of ['a/compose.yaml', 'b/compose.yaml', 'c/m.yaml', 'd/Dockerfile', '/.devcontainer.json'])
      assert.ok(
        c.diagnostics.some((d) => d.file.endsWith(f)),
        `${f} is reported on`,
      );
    assert.ok(Date.now() - t0 < WALL_LIMIT_MS, `${Date.now() - t0} ms`);
    assert.ok((cpu.user + cpu.system) / 1000 < 8_000 + CPU_LIMIT_MS, `${(cpu.user + cpu.system) / 1000} ms CPU`);
  });

  it('an .env of 100,000 unterminated quotes', async () => {
    const dir = folder({ '.env': 'A="x\n'.repeat(100_000), 'compose.yaml': 'services:\n  w:\n    image: a\n' });
    const c = await detect('.env unterminated quotes', dir);
    assert.equal(c.composeProjects.length, 1);
  });
});

describe('hostile detection: control characters', () => {
  it('ESC, OSC and bidi characters in service names and variable messages are shown escaped', async () => {
    const dir = folder({
      'compose.yaml':
        'services:\n  "evil\\e]0;pwned\\a\\u202e":\n    build: null\n    image: null\n' +
        '  web:\n    image: "${NEED:?\\e[31mred\\e[0m \\u2066x}"\n',
    });
    const c = await detect('control characters in names', dir);
    const raw = ['\u001b', '\u0007', '\u202e', '\u2066'];
    for (const m of messages(c)) assert.ok(!raw.some((ch) => m.includes(ch)), m);
    assertDiagnostic(c, 'compose.yaml', /Service "evil\\x1b\]0;pwned\\x07\\u\{202e\}"/);
    assertDiagnostic(c, 'compose.yaml', /Required variable NEED .*\\x1b\[31mred\\x1b\[0m \\u\{2066\}x/);
  });

  it('control characters in a referenced file name', async () => {
    const dir = folder({ 'compose.yaml': 'include:\n  - "\\e]8;;x\\apipe"\nservices:\n  w:\n    image: a\n' });
    fifo(join(dir, '\u001b]8;;x\u0007pipe'));
    const c = await detect('control characters in an include path', dir);
    assertDiagnostic(c, 'compose.yaml', /^\\x1b\]8;;x\\x07pipe \(include\) was not read: it is a FIFO/);
  });
});

describe('hostile detection: too few file handles (EMFILE)', () => {
  const FILES = 120;
  let dir: string;
  before(() => {
    dir = folder();
    for (let i = 0; i < FILES; i++) {
      mkdirSync(join(dir, `svc${i}`));
      writeFileSync(join(dir, `svc${i}`, 'Dockerfile'), `FROM alpine:${i}\n`);
    }
  });

  /** Detection in a child with `ulimit -n 64` and `headroom` handles left free. */
  async function inChild(headroom: number, signal: AbortSignal) {
    const script = join(repoRoot, 'out', 'test', 'hostile', 'detectionChild.js');
    // The script and its arguments are separate argv entries after the shell's own: "$@".
    const child = spawn('bash', ['-c', 'ulimit -n 64; exec node "$@"', 'bash', script, dir, String(headroom)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      signal,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(code, 0, `child failed: ${err}${out}`);
    return JSON.parse(out.trim()) as {
      held: number;
      dockerfiles: string[];
      diagnostics: { file: string; message: string }[];
    };
  }

  it('with a few handles free: every Dockerfile is detected or said not to be read', async () => {
    const r = await tryBadInput('EMFILE, few handles free', (s) => inChild(3, s), { limitMs: 30_000 });
    const v = r.value!;
    assert.ok(v.held > 20, 'the child really filled its handle table');
    const unread = v.diagnostics.filter((d) => /too many files are open/.test(d.message));
    const listed = v.diagnostics.filter((d) => /could not be listed \(E[MN]FILE/.test(d.message));
    // No silent gap: each file is either detected, reported, or in a folder that is reported.
    assert.ok(v.dockerfiles.length + unread.length + listed.length >= FILES, JSON.stringify(v).slice(0, 2000));
    assert.ok(v.dockerfiles.length > 0, 'retrying with fewer at a time gets some through');
  });

  it('with no handle free: the folder is reported as not listed, nothing is dropped silently', async () => {
    const r = await tryBadInput('EMFILE, no handle free', (s) => inChild(0, s), { limitMs: 30_000 });
    const v = r.value!;
    assert.equal(v.dockerfiles.length, 0);
    assert.ok(
      v.diagnostics.some(
        (d) => d.file === dir && /could not be listed \(EMFILE: too many files are open at once\)/.test(d.message),
      ),
      JSON.stringify(v.diagnostics).slice(0, 1000),
    );
  });
});
