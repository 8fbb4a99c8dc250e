import { resolve } from 'node:path';
import type { ContextDiagnostic, DockerfileInfo, DockerfileStage, ReadText } from './types';

/** Dockerfile, Containerfile, *.Dockerfile, Dockerfile.* (not docs such as Dockerfile.md), and the Containerfile forms. */
export function isDockerfileName(base: string): boolean {
  const b = base.toLowerCase();
  if (b === 'dockerfile' || b === 'containerfile') return true;
  if (b.endsWith('.dockerfile') || b.endsWith('.containerfile')) return true;
  if (b.startsWith('dockerfile.') || b.startsWith('containerfile.')) return !/\.(md|txt|rst|orig|bak|swp|json|ya?ml)$/.test(b);
  return false;
}

/** FROM instructions with their stage names, honouring comments, continuations and `# escape=`. */
export function parseStages(text: string): DockerfileStage[] {
  const lines = text.split(/\r?\n/);
  let escape = '\\';
  // Parser directives: only at the very top, before any instruction or other comment.
  for (const l of lines) {
    const m = /^\s*#\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(l);
    if (!m) break;
    if (m[1].toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) escape = m[2];
  }
  const stages: DockerfileStage[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let logical = lines[i];
    if (/^\s*#/.test(logical)) continue;
    while (logical.trimEnd().endsWith(escape) && i + 1 < lines.length) {
      logical = logical.trimEnd().slice(0, -1) + ' ';
      i++;
      while (i < lines.length && /^\s*#/.test(lines[i])) i++; // comments inside a continuation are dropped
      if (i < lines.length) logical += lines[i];
    }
    const words = logical.trim().split(/\s+/);
    if (words[0]?.toUpperCase() !== 'FROM') continue;
    const args = words.slice(1).filter((w) => !w.startsWith('--'));
    if (!args.length) continue;
    const as = args.findIndex((w) => w.toUpperCase() === 'AS');
    stages.push({ baseImage: args[0], name: as > 0 && args[as + 1] ? args[as + 1] : undefined, line: start });
  }
  return stages;
}

export async function detectDockerfiles(folder: string, files: string[], read: ReadText)
  : Promise<{ dockerfiles: DockerfileInfo[]; diagnostics: ContextDiagnostic[] }> {
  const dockerfiles: DockerfileInfo[] = [];
  const diagnostics: ContextDiagnostic[] = [];
  const candidates = files.filter((f) => isDockerfileName(f.slice(f.lastIndexOf('/') + 1)));
  await Promise.all(candidates.map(async (rel) => {
    const path = resolve(folder, rel);
    const text = await read(path);
    if (text === undefined) return;
    const stages = parseStages(text);
    if (!stages.length && text.trim()) {
      diagnostics.push({ file: path, message: 'No FROM instruction: this Dockerfile cannot be built.', severity: 'warning', source: 'dockerfile',
        range: { line: 0, column: 0, endLine: 0, endColumn: 1 } });
    }
    dockerfiles.push({ path, stages, podmanLeaning: /containerfile/i.test(rel.slice(rel.lastIndexOf('/') + 1)) });
  }));
  dockerfiles.sort((a, b) => a.path.localeCompare(b.path));
  return { dockerfiles, diagnostics };
}
