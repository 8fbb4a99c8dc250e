import type { ContainerAction, ResourceEvent, RuntimeEvent } from '../types';

const ACTIONS: ReadonlySet<string> = new Set<ContainerAction>([
  'create',
  'start',
  'restart',
  'stop',
  'die',
  'kill',
  'pause',
  'unpause',
  'destroy',
  'rename',
  'health_status',
  'oom',
]);

interface RawEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

const RESOURCE_TYPES: ReadonlySet<string> = new Set(['image', 'volume', 'network']);

/** GET /events message about an image, a volume or a network → ResourceEvent; undefined otherwise. */
export function toResourceEvent(raw: unknown): ResourceEvent | undefined {
  const e = cleanEvent(raw);
  if (!e?.Type || !RESOURCE_TYPES.has(e.Type)) return undefined;
  const id = e.Actor?.ID ?? e.id;
  const action = (e.Action ?? e.status ?? '').split(':')[0].trim();
  if (!id || !action) return undefined;
  const time = e.timeNano ? Math.floor(e.timeNano / 1e6) : (e.time ?? Date.now() / 1000) * 1000;
  return { type: e.Type as ResourceEvent['type'], action, id, time };
}

/** GET /events message → RuntimeEvent, or undefined for what the views do not use (exec_*, attach, …). */
export function toRuntimeEvent(raw: unknown): RuntimeEvent | undefined {
  // A line that is not an event object (garbage from the engine, a wrong type) is skipped: the
  // stream goes on, and the views re-list on the next event that is one.
  const e = cleanEvent(raw);
  if (!e) return undefined;
  if ((e.Type ?? 'container') !== 'container') return undefined;
  const full = e.Action ?? e.status ?? '';
  // "health_status: healthy", "exec_start: sh -c …"
  const colon = full.indexOf(':');
  let action = (colon >= 0 ? full.slice(0, colon) : full).trim();
  if (action === 'remove') action = 'destroy'; // Podman's word for it
  if (!ACTIONS.has(action)) return undefined;
  const id = e.Actor?.ID ?? e.id;
  if (!id) return undefined;
  const attrs: Record<string, string | undefined> = { ...(e.Actor?.Attributes ?? {}) };
  const attributes: Record<string, string> = {};
  if (attrs.exitCode !== undefined) attributes.exitCode = attrs.exitCode;
  if (attrs.signal !== undefined) attributes.signal = attrs.signal;
  if (action === 'health_status' && colon >= 0) attributes.healthStatus = full.slice(colon + 1).trim();
  if (attrs.oldName !== undefined) attributes.oldName = attrs.oldName;
  const time = e.timeNano ? Math.floor(e.timeNano / 1e6) : (e.time ?? Date.now() / 1000) * 1000;
  return {
    type: 'container',
    action: action as ContainerAction,
    id,
    name: attrs.name,
    image: attrs.image,
    time,
    attributes,
  };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** The fields of an event that have the types we use; undefined when it is not an object at all. */
function cleanEvent(raw: unknown): RawEvent | undefined {
  const e = obj(raw);
  if (!e) return undefined;
  const actor = obj(e.Actor);
  const attrs = obj(actor?.Attributes);
  return {
    Type: str(e.Type),
    Action: str(e.Action),
    status: str(e.status),
    id: str(e.id),
    Actor: actor && {
      ID: str(actor.ID),
      Attributes: attrs
        ? Object.fromEntries(Object.entries(attrs).filter((kv): kv is [string, string] => typeof kv[1] === 'string'))
        : undefined,
    },
    time: num(e.time),
    timeNano: num(e.timeNano),
  };
}
