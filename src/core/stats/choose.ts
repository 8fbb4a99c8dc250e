import type { ContainerSummary } from '../runtime/types';

export interface ChooseOptions {
  /** At most this many are shown. */
  cap: number;
  /** Always shown when running (the one the user picked). */
  selected?: string;
  /** Shown before the others (e.g. the workspace's own containers). */
  preferred?: (c: ContainerSummary) => boolean;
}

/**
 * Which containers the stats panel streams: the running ones, at most `cap` — the selected one
 * always, then the preferred ones, then by name — in the order preferred first, then by name.
 * `notShown` counts the running ones left out.
 */
export function chooseShown(
  all: readonly ContainerSummary[],
  o: ChooseOptions,
): { shown: ContainerSummary[]; notShown: number } {
  const running = all.filter((c) => c.state === 'running');
  const order = (a: ContainerSummary, b: ContainerSummary) =>
    Number(!o.preferred?.(a)) - Number(!o.preferred?.(b)) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
  const cap = Math.max(1, Math.floor(o.cap));
  // The selected one is sure of a place; the rows keep their order (selecting one does not move it).
  running.sort(order);
  const selected = running.find((c) => c.id === o.selected);
  const shown = running.filter((c) => c !== selected).slice(0, selected ? cap - 1 : cap);
  if (selected) shown.push(selected);
  return { shown: shown.sort(order), notShown: Math.max(0, running.length - cap) };
}
