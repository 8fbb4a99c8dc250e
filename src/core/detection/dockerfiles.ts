import { resolve } from 'node:path';
import { internalErrorDiagnostic, notReadDiagnostic, overBudgetDiagnostic, pooled, worthReporting } from './reads';
import type { ContextDiagnostic, DockerfileInfo, DockerfileStage, ReadText, SourceRange } from './types';

/**
 * Final extensions that make `Dockerfile.<ext>` / `Containerfile.<ext>` something other than a
 * Dockerfile: documentation, backups and editor files, data and scripts kept next to it, BuildKit's
 * per-Dockerfile ignore file (`Dockerfile.dockerignore`), and templates that are rendered into a
 * Dockerfile (they are not buildable as they stand). Everything else (`Dockerfile.dev`,
 * `Dockerfile.prod`, `Dockerfile.alpine`, `Dockerfile.arm64` …) is a Dockerfile.
 */
const NOT_A_DOCKERFILE = new Set([
  'md',
  'markdown',
  'txt',
  'rst',
  'adoc',
  'asciidoc',
  'html',
  'htm',
  'pdf',
  'orig',
  'bak',
  'old',
  'swp',
  'swo',
  'tmp',
  'rej',
  'save',
  'diff',
  'patch',
  'log',
  'json',
  'yaml',
  'yml',
  'toml',
  'xml',
  'ini',
  'lock',
  'csv',
  'env',
  'sh',
  'bash',
  'ps1',
  'bat',
  'cmd',
  'py',
  'js',
  'mjs',
  'cjs',
  'ts',
  'dockerignore',
  'containerignore',
  'j2',
  'jinja',
  'jinja2',
  'tpl',
  'tmpl',
  'template',
  'mustache',
  'hbs',
  'erb',
  'in',
  'png',
  'jpg',
  'jpeg',
  'gif',
  'svg',
  'zip',
  'gz',
  'tgz',
  'tar',
]);

/**
 * Dockerfile, Containerfile, `<name>.Dockerfile`, `<name>.Containerfile`, `Dockerfile.<suffix>` and
 * `Containerfile.<suffix>` (case-insensitive, as the docker CLI finds `dockerfile`), except the
 * suffixes in NOT_A_DOCKERFILE.
 */
export function isDockerfileName(base: string): boolean {
  const b = base.toLowerCase();
  if (b === 'dockerfile' || b === 'containerfile') return true;
  if (b.endsWith('.dockerfile')) return b.length > '.dockerfile'.length;
  if (b.endsWith('.containerfile')) return b.length > '.containerfile'.length;
  if (b.startsWith('dockerfile.') || b.startsWith('containerfile.')) {
    const ext = b.slice(b.lastIndexOf('.') + 1);
    return ext !== '' && !NOT_A_DOCKERFILE.has(ext);
  }
  return false;
}

/** Podman's name for a Dockerfile. */
const isContainerfileName = (base: string) => base.toLowerCase().includes('containerfile');

interface Instruction {
  /** Upper-cased. */
  keyword: string;
  /** The words after the keyword, continuations joined. */
  words: string[];
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

const isBlank = (l: string) => l.trim() === '';
const isComment = (l: string) => /^\s*#/.test(l);

/**
 * The escape character from a `# escape=` parser directive. Directives are only read at the very
 * top: the first line that is not a directive (a comment, a blank line, an instruction) ends them.
 */
function escapeChar(lines: string[]): string {
  let escape = '\\';
  for (const l of lines) {
    const m = /^\s*#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/.exec(l);
    if (!m) break;
    if (m[1].toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) escape = m[2];
  }
  return escape;
}

/** Heredocs opened by an instruction: `<<EOF`, `<<-EOF`, `<<"EOF"` (not the shell's `<<<`). */
function heredocs(logical: string): { delimiter: string; stripTabs: boolean }[] {
  const out: { delimiter: string; stripTabs: boolean }[] = [];
  const re = /(?<!<)<<(?!<)(-?)(["']?)([A-Za-z_][A-Za-z0-9_.-]*)\2/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(logical))) out.push({ delimiter: m[3], stripTabs: m[1] === '-' });
  return out;
}

/**
 * The instructions of a Dockerfile as the builder reads them: comments and blank lines skipped,
 * lines joined where they end with the escape character (comment and blank lines inside a
 * continuation are dropped, as BuildKit does), heredoc bodies of RUN/COPY/ADD skipped.
 */
function instructions(text: string): Instruction[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const escape = escapeChar(lines);
  const continues = (l: string) => l.trimEnd().endsWith(escape);
  const out: Instruction[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (isBlank(lines[i]) || isComment(lines[i])) continue;
    const line = i;
    const column = lines[i].length - lines[i].trimStart().length;
    // The pieces are joined once at the end: growing one string (and trimming it) per line would
    // make a long continuation quadratic.
    const parts: string[] = [];
    let last = lines[i];
    while (continues(last) && i + 1 < lines.length) {
      parts.push(`${last.trimEnd().slice(0, -1)} `);
      last = '';
      i++;
      while (i < lines.length && (isComment(lines[i]) || isBlank(lines[i]))) i++;
      if (i >= lines.length) {
        i = lines.length - 1;
        break;
      }
      last = lines[i];
    }
    if (continues(last)) last = last.trimEnd().slice(0, -1); // a continuation at the end of the file
    parts.push(last);
    const logical = parts.length === 1 ? parts[0] : parts.join('');
    const words = logical.trim().split(/\s+/);
    const keyword = words[0].toUpperCase();
    const endLine = i;
    if (keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD') {
      for (const h of heredocs(logical)) {
        i++;
        while (i < lines.length && (h.stripTabs ? lines[i].replace(/^\t+/, '') : lines[i]) !== h.delimiter) i++;
      }
    }
    out.push({ keyword, words: words.slice(1), line, column, endLine, endColumn: lines[endLine].length });
  }
  return out;
}

export interface ParsedDockerfile {
  stages: DockerfileStage[];
  /** Problems found while reading the stages; `file` is filled in by the caller. */
  problems: { message: string; severity: 'error' | 'warning'; range: SourceRange }[];
}

/**
 * The stages of a Dockerfile: `FROM [--flag=…]… image [AS name]`, keywords in any case, with
 * continuations, comments, `# escape=` and heredocs honoured. A FROM that is not `image` or
 * `image AS name` is an error (the builder rejects it); a file with no FROM is a warning.
 */
export function parseDockerfile(text: string): ParsedDockerfile {
  const stages: DockerfileStage[] = [];
  const problems: ParsedDockerfile['problems'] = [];
  for (const ins of instructions(text)) {
    if (ins.keyword !== 'FROM') continue;
    const range = { line: ins.line, column: ins.column, endLine: ins.endLine, endColumn: ins.endColumn };
    let k = 0;
    while (k < ins.words.length && ins.words[k].startsWith('--')) k++;
    const args = ins.words.slice(k).filter((w) => w !== '');
    if (!args.length) {
      problems.push({ message: 'FROM needs a base image.', severity: 'error', range });
      continue;
    }
    const named = args.length === 3 && args[1].toUpperCase() === 'AS';
    if (args.length !== 1 && !named) {
      problems.push({ message: 'FROM takes an image, optionally followed by "AS name".', severity: 'error', range });
    }
    stages.push({ baseImage: args[0], name: named ? args[2] : undefined, line: ins.line });
  }
  if (!stages.length && !problems.length) {
    const first = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0];
    problems.push({
      message: 'No FROM instruction: this Dockerfile cannot be built.',
      severity: 'warning',
      range: { line: 0, column: 0, endLine: 0, endColumn: first.length },
    });
  }
  return { stages, problems };
}

/**
 * Dockerfiles and Containerfiles of a folder (see isDockerfileName), each with its stages, sorted by
 * path. Never throws: a file that cannot be read is a warning saying why, problems become diagnostics.
 */
export async function detectDockerfiles(
  folder: string,
  files: string[],
  read: ReadText,
): Promise<{ dockerfiles: DockerfileInfo[]; diagnostics: ContextDiagnostic[] }> {
  const candidates: string[] = [];
  for (const rel of files) {
    if (isDockerfileName(rel.slice(rel.lastIndexOf('/') + 1))) candidates.push(rel);
  }
  const dockerfiles: DockerfileInfo[] = [];
  const diagnostics: ContextDiagnostic[] = [];
  const reads = pooled(read);
  // Promise.all over the candidates is bounded: the pooled reader runs a few reads at a time.
  const results = await Promise.all(
    candidates.map(async (rel) => {
      const path = resolve(folder, rel);
      const got = await reads.get(path);
      if (!got.ok) {
        if (worthReporting(got)) diagnostics.push(notReadDiagnostic(path, got, 'dockerfile'));
        return undefined;
      }
      const text = got.text;
      if (reads.overBudget()) {
        diagnostics.push(overBudgetDiagnostic(path, 'dockerfile'));
        return undefined;
      }
      try {
        return { path, rel, ...parseDockerfile(text) };
      } catch (err) {
        diagnostics.push(internalErrorDiagnostic(path, err, 'dockerfile'));
        return { path, rel, stages: [], problems: [] };
      }
    }),
  );
  for (const r of results) {
    if (!r) continue;
    dockerfiles.push({
      path: r.path,
      stages: r.stages,
      podmanLeaning: isContainerfileName(r.rel.slice(r.rel.lastIndexOf('/') + 1)),
    });
    for (const p of r.problems) diagnostics.push({ file: r.path, source: 'dockerfile', ...p });
  }
  dockerfiles.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  diagnostics.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.range.line - b.range.line));
  return { dockerfiles, diagnostics };
}
