import type { ContainerSummary } from '../types';

export interface ChooseOptions {
  /** At most this many are shown. */
  cap: number;
  /** Always shown when running (the one the user picked). */
  selected?: string;
  /** Shown before the others (e.g. the workspace's own containers). */
  preferred?: (c: ContainerSummary) => boolean;
}

/**
 * Which containers the stats panel streams: the running ones, the selected one first, then the
 * preferred ones, then by name; at most `cap`. `notShown` counts the running ones left out.
 */
export function chooseShown(all: readonly ContainerSummary[], o: ChooseOptions): { shown: ContainerSummary[]; notShown: number } {
  const running = all.filter((c) => c.state === 'running');
  const rank = (c: ContainerSummary) => (c.id === o.selected ? 0 : o.preferred?.(c) ? 1 : 2);
  running.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const cap = Math.max(1, Math.floor(o.cap));
  return { shown: running.slice(0, cap), notShown: Math.max(0, running.length - cap) };
}
