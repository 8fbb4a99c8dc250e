// `container volume list` and `container network list` (`--format json`) in the runtime's shape.
// The CLI encodes its own structures (1.x: a volume `{ name, driver, source, labels, options,
// createdAt | metadata.createdAt }`, a network `{ id, createdAt, state, config, status }`); they are
// not documented and change between releases, so the reading is tolerant: a name from `name`, `id`
// or the configuration's, labels and dates (ISO or seconds since 2001) where they are.
// Networks exist on macOS 26 only; an older system's refusal is said, not hidden.
import type { NetworkSummary, VolumeSummary } from '../types';
import { labelsOf, listOf, obj, parseAppleDate, str, type Obj } from './parse';

/** The entry's configuration, under whichever key this release puts it. */
function configOf(o: Obj): Obj {
  return obj(o.configuration) ?? obj(o.config) ?? o;
}

export function toVolumes(json: unknown, what = 'container volume list'): VolumeSummary[] {
  const out: VolumeSummary[] = [];
  for (const item of listOf(json, what, 'a list of volumes', false)) {
    const o = obj(item);
    if (!o) continue;
    const c = configOf(o);
    const name = str(o.name) ?? str(c.name) ?? str(o.id);
    if (!name) continue;
    const created = parseAppleDate(o.createdAt ?? obj(o.metadata)?.createdAt ?? c.createdAt ?? o.creationDate);
    const source = str(o.source) ?? str(c.source);
    out.push({
      name,
      driver: str(o.driver) ?? str(c.driver) ?? 'local',
      ...(source ? { mountpoint: source } : {}),
      ...(created ? { created } : {}),
      labels: labelsOf(c),
    });
  }
  return out;
}

export function toNetworks(json: unknown, what = 'container network list'): NetworkSummary[] {
  const out: NetworkSummary[] = [];
  for (const item of listOf(json, what, 'a list of networks', false)) {
    const o = obj(item);
    if (!o) continue;
    // An entry may be `{ id, config, status }` or a state wrapping its configuration ({ running: {…} }).
    const inner = obj(o.running) ?? obj(o.created) ?? o;
    const c = configOf(inner);
    const id = str(inner.id) ?? str(c.id) ?? str(inner.name);
    if (!id) continue;
    const created = parseAppleDate(inner.createdAt ?? c.creationDate ?? inner.creationDate);
    out.push({
      id,
      name: id,
      driver: str(c.mode) ?? str(inner.mode) ?? 'nat',
      scope: 'local',
      ...(created ? { created } : {}),
      labels: labelsOf(c),
    });
  }
  return out;
}
