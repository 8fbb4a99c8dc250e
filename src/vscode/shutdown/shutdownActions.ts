import type { ContainerRuntime, ContainerSummary } from '../../core/runtime/types';
import { LABELS } from '../../core/runtime/labels';

/** A workspace container this window made or started, and what its config asks for when the window closes. */
export interface ShutdownEntry {
  containerId: string;
  action: 'stopContainer' | 'stopCompose';
}

/**
 * The containers to stop as the window closes: for `stopContainer` the container itself, for
 * `stopCompose` every running container of its Compose project. Only what the config sets
 * explicitly: a workspace container otherwise keeps running (a tunnel may be serving from it).
 */
export function shutdownTargets(entries: readonly ShutdownEntry[], list: readonly ContainerSummary[]): string[] {
  const out = new Set<string>();
  for (const e of entries) {
    const c = list.find((x) => x.id === e.containerId);
    if (!c || c.state !== 'running') continue;
    out.add(c.id);
    const project = c.labels[LABELS.composeProject];
    if (e.action === 'stopCompose' && project)
      for (const x of list) if (x.labels[LABELS.composeProject] === project && x.state === 'running') out.add(x.id);
  }
  return [...out];
}

/** The window's shutdown actions: recorded by Create Workspace Container, run by deactivate(). */
export class ShutdownActions {
  private readonly entries: ShutdownEntry[] = [];

  record(entry: ShutdownEntry): void {
    if (!this.entries.some((e) => e.containerId === entry.containerId)) this.entries.push(entry);
  }

  /** Asks the engine to stop them (short grace period); quick and quiet: the window is closing. */
  async run(rt: ContainerRuntime | undefined): Promise<void> {
    if (!rt || !this.entries.length) return;
    const list = await rt.listContainers({ all: true }).catch(() => [] as ContainerSummary[]);
    await Promise.all(shutdownTargets(this.entries, list).map((id) => rt.stop(id, 2).catch(() => undefined)));
  }
}

/** One per extension host. */
export const shutdownActions = new ShutdownActions();
