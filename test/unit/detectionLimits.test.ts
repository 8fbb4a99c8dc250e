// The limits detection keeps against hostile files, one at a time: bounded reads, the read pool
// and its EMFILE back-off, nesting, interpolation, diagnostics per file, documents per manifest,
// duplicate keys found in linear time, Dockerfile continuations in linear time.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBounded, readBoundedSync, type ReadOutcome } from '../../src/core/io/readBounded';
import { interpolate, parseDotEnv, type InterpolationProblem } from '../../src/core/detection/compose/interpolate';
import { parseComposeFile } from '../../src/core/detection/compose/parse';
import { detectDockerfiles, parseDockerfile } from '../../src/core/detection/dockerfiles';
import { parseManifest } from '../../src/core/detection/kubernetes';
import { parseDevcontainer } from '../../src/core/detection/devcontainers';
import { capDiagnostics, jsonDepth, LIMITS, yamlDepth, tooManyLines } from '../../src/core/detection/limits';
import { listFiles } from '../../src/core/detection/listFiles';
import { failureReason, notReadDiagnostic, pooled } from '../../src/core/detection/reads';
import type { ContextDiagnostic } from '../../src/core/detection/types';

describe('detection limits: bounded reads (readBounded)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cws-limits-'));
    writeFileSync(join(dir, 'ok.yml'), 'a: 1\n');
    writeFileSync(join(dir, 'big.yml'), 'x'.repeat(2048));
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    symlinkSync('/dev/zero', join(dir, 'zero'));
    mkdirSync(join(dir, 'adir'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads regular files; refuses FIFOs, devices, directories without blocking; bounds by bytes read', async () => {
    const reason = (o: ReadOutcome) => (o.ok ? `ok:${o.text}` : `${o.reason}:${o.detail}`);
    assert.equal(reason(await readBounded(join(dir, 'ok.yml'))), 'ok:a: 1\n');
    assert.equal(reason(await readBounded(join(dir, 'pipe'))), 'notFile:a FIFO');
    assert.equal(reason(await readBounded(join(dir, 'zero'))), 'notFile:a device');
    assert.equal(reason(await readBounded(join(dir, 'adir'))), 'notFile:a directory');
    assert.match(reason(await readBounded(join(dir, 'big.yml'), { maxBytes: 1024 })), /^tooLarge/);
    assert.match(reason(await readBounded(join(dir, 'nope'))), /^missing/);
    assert.equal(reason(readBoundedSync(join(dir, 'pipe'))), 'notFile:a FIFO');
    assert.match(reason(readBoundedSync(join(dir, 'zero'), { maxBytes: 10 })), /^notFile/);
  });

  it('says why in words that name the kind of file', () => {
    assert.equal(failureReason({ ok: false, reason: 'notFile', detail: 'a FIFO' }), 'it is a FIFO, not a regular file');
    assert.equal(
      failureReason({ ok: false, reason: 'tooLarge', detail: '' }),
      'it is larger than 1 MiB, the limit for container files',
    );
    const d = notReadDiagnostic('/w/compose.yaml', { ok: false, reason: 'notFile', detail: 'a socket' }, 'compose');
    assert.deepEqual(
      [d.severity, d.message],
      ['warning', 'compose.yaml was not read: it is a socket, not a regular file.'],
    );
  });
});

describe('detection limits: the read pool', () => {
  it('never runs more reads at once than its limit, and reads each file once', async () => {
    let active = 0;
    let most = 0;
    let calls = 0;
    const read = async (p: string) => {
      calls++;
      most = Math.max(most, ++active);
      await new Promise((r) => setTimeout(r, 2));
      active--;
      return p;
    };
    const reads = pooled(read, { concurrency: 4 });
    const paths = Array.from({ length: 100 }, (_, i) => `/f${i % 50}`);
    const out = await Promise.all(paths.map((p) => reads.text(p)));
    assert.deepEqual(out, paths);
    assert.equal(most, 4);
    assert.equal(calls, 50);
    assert.equal(pooled(reads), reads, 'a pooled reader is shared, not wrapped again');
  });

  it('past its time budget, files are reported as not parsed instead of parsed', async () => {
    const reads = pooled(() => Promise.resolve('FROM alpine\n'), { budgetMs: -1 });
    const r = await detectDockerfiles('/w', ['Dockerfile', 'api/Dockerfile'], reads);
    assert.deepEqual(r.dockerfiles, []);
    assert.deepEqual(
      r.diagnostics.map((d) => d.message),
      [1, 2].map(
        () =>
          'Dockerfile was not parsed: detecting this folder took longer than 8 s ' +
          '(other files in it are too large or too broken); it is left out.',
      ),
    );
    assert.equal(pooled(() => Promise.resolve('')).overBudget(), false);
  });

  it('backs off on EMFILE and retries; if it never clears, the outcome says so', async () => {
    let failures = 3;
    const flaky = () => {
      if (failures-- > 0) return Promise.reject(Object.assign(new Error('EMFILE'), { code: 'EMFILE' }));
      return Promise.resolve('text');
    };
    assert.equal(await pooled(flaky).text('/a'), 'text');
    const never = () => Promise.resolve<ReadOutcome>({ ok: false, reason: 'tooManyOpen', detail: 'EMFILE' });
    const got = await pooled(never).get('/b');
    assert.ok(!got.ok && got.reason === 'tooManyOpen');
    assert.match(failureReason(got), /too many files are open at once \(EMFILE\)/);
  });
});

describe('detection limits: listing', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cws-list-'));
    execFileSync('mkfifo', [join(dir, 'compose.yaml')]);
    symlinkSync('/dev/zero', join(dir, 'Dockerfile'));
    symlinkSync('/dev/zero', join(dir, 'notes.txt'));
    mkdirSync(join(dir, 'docker-compose.yml'));
    writeFileSync(join(dir, 'docker-compose.yml', 'x'), '');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists links and special files the caller asks for, without following them', async () => {
    const names = new Set(['compose.yaml', 'Dockerfile', 'docker-compose.yml']);
    const l = await listFiles(dir, { noteSpecial: (n) => names.has(n) });
    assert.deepEqual(l.special.sort(), ['Dockerfile', 'compose.yaml', 'docker-compose.yml']);
    assert.deepEqual(l.files, ['docker-compose.yml/x']);
    assert.deepEqual(l.unreadable, []);
  });

  it('a subdirectory that cannot be listed is reported, not passed over', async () => {
    // A "directory" that turns out to be something else between listing and reading it.
    const l = await listFiles(join(dir, 'docker-compose.yml', 'x'));
    assert.deepEqual(
      l.unreadable.map((u) => u.code),
      ['ENOTDIR'],
    );
  });
});

describe('detection limits: nesting, expansion, counts', () => {
  it('JSON and YAML nesting is measured in one pass and stops past the limit', () => {
    assert.deepEqual(jsonDepth('{"a": [1, {"b": "[[[[" }] } // [[[[\n'), { depth: 3, offset: -1 });
    assert.ok(jsonDepth(`${'['.repeat(1_000_000)}`).offset === LIMITS.maxDepth);
    assert.equal(yamlDepth('a:\n  b:\n    c: [1, {d: "[[["}]\n  e: it\'s [ok]\n').offset, -1);
    assert.ok(yamlDepth('- '.repeat(200) + 'x').offset >= 0);
    assert.equal(tooManyLines('a\n'.repeat(10), 10), -1);
    assert.ok(tooManyLines('a\n'.repeat(11), 10) > 0);
  });

  it('a devcontainer.json nested too deep is one error, not a stack overflow', () => {
    const r = parseDevcontainer('/w/.devcontainer.json', `{"a": ${'['.repeat(50_000)}`, '/w');
    assert.deepEqual(
      r.diagnostics.map((d) => d.message),
      [
        '.devcontainer.json is nested more than 100 levels deep; it was not read (too deep to be a real configuration).',
      ],
    );
  });

  it('nested ${…:-…} defaults stop at the depth limit, linear in the text', () => {
    const problems: InterpolationProblem[] = [];
    const text = `${'${X:-'.repeat(50_000)}end${'}'.repeat(50_000)}`;
    const t0 = Date.now();
    interpolate(
      text,
      () => undefined,
      (p) => problems.push(p),
    );
    assert.ok(Date.now() - t0 < 2000, `${Date.now() - t0} ms`);
    assert.deepEqual(problems[0], { kind: 'tooDeep', limit: LIMITS.maxInterpolationDepth });
    // What is left as written is itself longer than one value may be: cut short, and said so.
    assert.deepEqual(problems.slice(1), [{ kind: 'tooLong', limit: LIMITS.maxExpandedLength }]);
    assert.equal(
      interpolate('${A:-${B:-${C:-deep}}}', () => undefined),
      'deep',
      'ordinary nesting still works',
    );
  });

  it('.env values that double each other stay bounded and say so', () => {
    let env = 'V0=0123456789\n';
    for (let i = 1; i < 40; i++) env += `V${i}=$V${i - 1}$V${i - 1}\n`;
    const d = parseDotEnv(env);
    assert.ok([...d.values.values()].every((v) => v.length <= LIMITS.maxExpandedLength));
    assert.ok(d.problems?.length, 'a value cut short is a problem');
    assert.match(d.problems?.[0]?.message ?? '', /^V1\d: Interpolation makes this value too large/);
    assert.equal(d.values.get('V3'), '0123456789'.repeat(8), 'small values are untouched');
  });

  it('a compose file shares one expansion budget across its values', () => {
    const diagnostics: ContextDiagnostic[] = [];
    const big = 'b'.repeat(60_000);
    const labels = Array.from({ length: 200 }, (_, i) => `      l${i}: $BIG`).join('\n');
    parseComposeFile(
      '/w/compose.yaml',
      `services:\n  a:\n    image: x\n    labels:\n${labels}\n`,
      () => big,
      diagnostics,
    );
    assert.deepEqual(
      diagnostics.map((d) => d.message),
      [
        'Interpolation in this file produces too much text (more than 4 MiB); the remaining values are left as written.',
      ],
    );
  });

  it('duplicate keys are found without yaml comparing every pair of keys', () => {
    const diagnostics: ContextDiagnostic[] = [];
    parseComposeFile(
      '/w/compose.yaml',
      'services:\n  a: {image: x}\n  b: {image: y}\n  a: {image: z}\n',
      () => undefined,
      diagnostics,
    );
    assert.deepEqual(
      diagnostics.map((d) => [d.message, d.range.line]),
      [['Map keys must be unique', 3]],
    );
    const keys = Array.from({ length: 40_000 }, (_, i) => `k${i}: ${i}`).join('\n');
    const t0 = Date.now();
    const more: ContextDiagnostic[] = [];
    parseComposeFile('/w/compose.yaml', `${keys}\nservices: {}\n`, () => undefined, more);
    assert.ok(Date.now() - t0 < 8000, `${Date.now() - t0} ms`);
  });

  it('diagnostics are capped per file, with one that counts the rest, and escaped', () => {
    const d = (file: string, message: string): ContextDiagnostic => ({
      file,
      message,
      severity: 'error',
      source: 'compose',
      range: { line: 0, column: 0, endLine: 0, endColumn: 1 },
    });
    const many = [...Array.from({ length: 250 }, () => d('/a', 'x')), d('/b', 'evil \u001b]0;t\u0007 \u202e')];
    const out = capDiagnostics(many);
    assert.equal(out.filter((x) => x.file === '/a').length, 101);
    assert.equal(
      out.find((x) => x.file === '/a' && x.message.includes('more'))?.message,
      '150 more problems in this file not shown (only the first 100 are).',
    );
    assert.equal(out.find((x) => x.file === '/b')?.message, 'evil \\x1b]0;t\\x07 \\u{202e}');
  });

  it('a manifest of more documents than the limit reads the first ones and says so', () => {
    const doc = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n';
    const r = parseManifest('/w/m.yaml', doc.repeat(LIMITS.maxDocuments + 5));
    assert.equal(r.resources.length, LIMITS.maxDocuments);
    assert.deepEqual(
      r.diagnostics.map((x) => [x.message, x.range.line]),
      [[`This file holds more than 1000 YAML documents; only the first 1000 were read.`, 4 * LIMITS.maxDocuments - 1]],
    );
  });

  it('a Dockerfile continuation of 300,000 lines is read in linear time, with the same meaning', () => {
    const text = `FROM alpine AS a\nRUN x \\\n${'  y \\\n  # comment\n\n'.repeat(100_000)}  z\nFROM a\n`;
    const t0 = Date.now();
    const r = parseDockerfile(text);
    assert.ok(Date.now() - t0 < 2000, `${Date.now() - t0} ms`);
    assert.deepEqual(
      r.stages.map((s) => [s.baseImage, s.name, s.line]),
      [
        ['alpine', 'a', 0],
        ['a', undefined, 300_003],
      ],
    );
    assert.deepEqual(parseDockerfile('FROM a \\\n  AS b\n').stages, [{ baseImage: 'a', name: 'b', line: 0 }]);
    assert.deepEqual(parseDockerfile('FROM a \\').stages, [{ baseImage: 'a', name: undefined, line: 0 }]);
  });
});
