import { relative } from 'node:path';
import { detectDirectory } from '../../core/detection/detect';
import { hooksOf } from '../../core/detection/summary';
import type { FolderContext } from '../../core/detection/types';
import { folderArg, json, operands, type CliContext } from '../context';
import { safe, safeJson } from '../format';

/** The container context detected in DIR (default: the current directory). Needs no runtime. */
export async function context(ctx: CliContext): Promise<void> {
  const dir = folderArg(operands(ctx)[0] ?? '.');
  const c = await detectDirectory(dir, { env: process.env });
  if (json(ctx)) return ctx.out(safeJson(withHooks(c)));
  const rel = (p: string) => relative(dir, p) || '.';
  const primary = c.primary ? `  (primary: ${c.primary})` : '  (no container files found)';
  const lines = [`${dir}${primary}${c.podmanLeaning ? '  [Podman-leaning]' : ''}`];
  for (const d of c.devcontainers) {
    const what = `${d.kind}${d.image ? ` ${d.image}` : ''}${d.compose ? ` service ${d.compose.service}` : ''}`;
    lines.push(`  dev container  ${rel(d.path)}: ${what} → ${d.workspaceFolder}`);
    if (d.features?.length) lines.push(`                 features: ${d.features.map((f) => f.id).join(', ')}`);
    const hooks = hooksOf(d).map((h) => h.name);
    if (hooks.length)
      lines.push(`                 hooks: ${hooks.join(', ')}${d.waitFor ? ` (waitFor: ${d.waitFor})` : ''}`);
  }
  for (const p of c.composeProjects) {
    const services = p.services.map((s) => s.name).join(', ') || '(none)';
    lines.push(`  compose        ${p.files.map(rel).join(' + ')}: project ${p.name}, services ${services}`);
  }
  for (const d of c.dockerfiles) {
    const stages = d.stages.map((s) => (s.name ? `${s.name} (${s.baseImage})` : s.baseImage)).join(' → ');
    lines.push(`  dockerfile     ${rel(d.path)}: ${stages || '(no FROM)'}`);
  }
  for (const r of c.kubernetes.resources)
    lines.push(`  kubernetes     ${rel(r.file)}: ${r.kind}/${r.name}${r.namespace ? ` -n ${r.namespace}` : ''}`);
  for (const k of c.kubernetes.kustomizations) lines.push(`  kustomization  ${rel(k)}`);
  for (const h of c.kubernetes.charts)
    lines.push(`  helm chart     ${rel(h.path)}${h.name ? `: ${h.name} ${h.version ?? ''}` : ''}`);
  for (const d of c.diagnostics) {
    lines.push(
      `  ${d.severity.padEnd(7)}        ${rel(d.file)}:${d.range.line + 1}:${d.range.column + 1}: ${d.message}`,
    );
  }
  if (c.truncated) lines.push('  (the folder has more files than are listed; some may not have been looked at)');
  // File names, image names and diagnostics come from the folder: escaped, line by line.
  ctx.out(lines.map(safe).join('\n'));
}

/**
 * The model as detected, each dev container config also with `hooks`: the hooks it sets, in the
 * spec's order, each as written (the same commands as its onCreateCommand, … properties).
 */
function withHooks(c: FolderContext) {
  return {
    ...c,
    devcontainers: c.devcontainers.map((d) => ({
      ...d,
      hooks: Object.fromEntries(hooksOf(d).map((h) => [h.name, h.command])),
    })),
  };
}
