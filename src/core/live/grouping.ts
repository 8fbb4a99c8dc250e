/**
 * How the Containers view arranges containers: Compose projects (from labels) as groups, then the
 * rest; what belongs to the workspace first. Rows are ordered by name, not by state, so a state
 * change repaints one row instead of reordering its parent. No `vscode` import (the benchmark uses it).
 */
import { workspaceFolderOf } from '../workspace/membership';
import { LABELS } from '../runtime/labels';
import type { ContainerSummary } from '../runtime/types';

/** The group a container sits in: its Compose project, or none. */
export function groupKeyOf(c: ContainerSummary): string | undefined {
  return c.labels[LABELS.composeProject] || undefined;
}

/** Matches the filter text against what a row shows (name, image, project, service, state). */
export function matchesFilter(c: ContainerSummary, filter: string): boolean {
  if (!filter) return true;
  const f = filter.toLowerCase();
  return [c.name, c.image, c.composeProject, c.composeService, c.state, c.id.slice(0, 12)].some(
    (v) => v !== undefined && v.toLowerCase().includes(f),
  );
}

export interface GroupShape {
  key: string;
  /** The workspace folder it belongs to, when any of its containers does. */
  workspace?: string;
  containers: ContainerSummary[];
}

export interface Arrangement {
  /** Top-level rows in order: groups and loose containers. */
  top: ({ group: GroupShape } | { container: ContainerSummary; workspace?: string })[];
  groups: Map<string, GroupShape>;
  /** Container id → the workspace folder it belongs to (only those that do). */
  workspaces: Map<string, string>;
}

const byName = (a: ContainerSummary, b: ContainerSummary) => a.name.localeCompare(b.name);

export function arrange(list: Iterable<ContainerSummary>, folders: readonly string[], filter = ''): Arrangement {
  const groups = new Map<string, GroupShape>();
  const loose: { container: ContainerSummary; workspace?: string }[] = [];
  const workspaces = new Map<string, string>();
  for (const c of list) {
    if (!matchesFilter(c, filter)) continue;
    const ws = workspaceFolderOf(c, folders);
    if (ws) workspaces.set(c.id, ws);
    const key = groupKeyOf(c);
    if (!key) {
      loose.push({ container: c, workspace: ws });
      continue;
    }
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, containers: [] }));
    g.containers.push(c);
    g.workspace ??= ws;
  }
  for (const g of groups.values()) g.containers.sort(byName);
  const gs = [...groups.values()].sort((a, b) => a.key.localeCompare(b.key));
  loose.sort((a, b) => byName(a.container, b.container));
  const top: Arrangement['top'] = [
    ...gs.filter((g) => g.workspace).map((group) => ({ group })),
    ...loose.filter((l) => l.workspace),
    ...gs.filter((g) => !g.workspace).map((group) => ({ group })),
    ...loose.filter((l) => !l.workspace),
  ];
  return { top, groups, workspaces };
}
