import type { ContainerAction, RuntimeEvent } from '../types';

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

/** GET /events message → RuntimeEvent, or undefined for what the views do not use (exec_*, attach, …). */
export function toRuntimeEvent(raw: unknown): RuntimeEvent | undefined {
  const e = raw as RawEvent;
  if ((e.Type ?? 'container') !== 'container') return undefined;
  const full = e.Action ?? e.status ?? '';
  // "health_status: healthy", "exec_start: sh -c …"
  const colon = full.indexOf(':');
  let action = (colon >= 0 ? full.slice(0, colon) : full).trim();
  if (action === 'remove') action = 'destroy'; // Podman's word for it
  if (!ACTIONS.has(action)) return undefined;
  const id = e.Actor?.ID ?? e.id;
  if (!id) return undefined;
  const attrs = { ...(e.Actor?.Attributes ?? {}) };
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
