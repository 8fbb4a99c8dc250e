// The Engine API's container documents (list entries, inspect) in the runtime's shape. Nothing is
// trusted: every field is checked for its type (shape.ts), so an engine that answers with something
// else is reported by name instead of surfacing later as a TypeError.
import type { ContainerDetails, ContainerState, ContainerSummary, HealthState, MountInfo, PortMapping } from '../types';
import { Shape, isObject, topList, topObject, type Json, type Origin } from './shape';

const STATES: ReadonlySet<string> = new Set([
  'created',
  'running',
  'paused',
  'restarting',
  'removing',
  'exited',
  'dead',
]);

/** For callers (tests, tools) that normalise a document without saying where it came from. */
const SOMEWHERE: Origin = { label: 'The engine', path: 'a request' };

export function normalizeState(s: string | undefined): ContainerState {
  const v = (s ?? '').toLowerCase();
  // Podman reports "configured"/"stopped" where Docker says "created"/"exited", and "stopping"
  // while a stop is under way (still running: without this the row flashed "unknown").
  if (v === 'configured' || v === 'initialized') return 'created';
  if (v === 'stopped') return 'exited';
  if (v === 'stopping') return 'running';
  return STATES.has(v) ? (v as ContainerState) : 'unknown';
}

/** GET /containers/json → the normalised list. */
export function toSummaries(raw: unknown, origin: Origin): ContainerSummary[] {
  return topList(raw, origin, 'a container list').map((c) => toSummary(c, origin));
}

/** One entry of GET /containers/json → the normalised summary. */
export function toSummary(raw: unknown, origin: Origin = SOMEWHERE): ContainerSummary {
  const c = topObject(raw, origin, 'a container');
  const f = new Shape(origin, 'a container');
  const id = f.str(c, 'Id') || f.fail('Id', 'a non-empty string');
  const names = f.strings(c, 'Names').map((n) => n.replace(/^\//, ''));
  const labels = f.strMap(c, 'Labels');
  const ports: PortMapping[] = f.objects(c, 'Ports').map((p) => ({
    containerPort: f.num(p, 'PrivatePort') ?? 0,
    hostPort: f.num(p, 'PublicPort') || undefined,
    hostIp: f.str(p, 'IP') || undefined,
    protocol: f.str(p, 'Type') || 'tcp',
  }));
  const status = f.str(c, 'Status') ?? '';
  const networks = f.obj(f.obj(c, 'NetworkSettings') ?? {}, 'Networks') ?? {};
  return {
    id,
    name: names[0] ?? id.slice(0, 12),
    names,
    image: f.str(c, 'Image') ?? '',
    state: normalizeState(f.str(c, 'State')),
    status,
    created: (f.num(c, 'Created') ?? 0) * 1000,
    labels,
    ports,
    composeProject: labels['com.docker.compose.project'],
    composeService: labels['com.docker.compose.service'],
    health: healthFromStatus(status),
    exitCode: exitCodeFromStatus(status),
    mounts: toMounts(f, c),
    networkNames: Object.keys(networks),
    ...(f.str(c, 'ImageID') ? { imageId: f.str(c, 'ImageID') } : {}),
  };
}

/** "Exited (137) 5 minutes ago" → 137. */
export function exitCodeFromStatus(status: string | undefined): number | undefined {
  const m = /^Exited \((-?\d+)\)/.exec(status ?? '');
  return m ? Number(m[1]) : undefined;
}

/** "Up 5 minutes (healthy)" → healthy; Docker puts health only in the status text of the list. */
export function healthFromStatus(status: string | undefined): HealthState | undefined {
  const m = /\((healthy|unhealthy|health: starting)\)/.exec(status ?? '');
  if (!m) return undefined;
  return m[1] === 'health: starting' ? 'starting' : (m[1] as HealthState);
}

function ms(iso: string | undefined): number | undefined {
  if (!iso || iso.startsWith('0001-')) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
}

/** GET /containers/{id}/json → the normalised details (the raw document is kept for display). */
export function toDetails(raw: unknown, origin: Origin = SOMEWHERE): ContainerDetails {
  const c = topObject(raw, origin, 'a container document');
  const f = new Shape(origin, 'a container document');
  const id = f.str(c, 'Id') || f.fail('Id', 'a non-empty string');
  const config = f.obj(c, 'Config') ?? {};
  const state = f.obj(c, 'State') ?? {};
  const net = f.obj(c, 'NetworkSettings') ?? {};
  const labels = f.strMap(config, 'Labels');
  const name = (f.str(c, 'Name') ?? '').replace(/^\//, '');
  const ports: PortMapping[] = [];
  for (const [key, binds] of Object.entries(f.obj(net, 'Ports') ?? {})) {
    const [port, protocol = 'tcp'] = key.split('/');
    if (binds !== null && binds !== undefined && (!Array.isArray(binds) || !binds.every(isObject)))
      f.fail(`NetworkSettings.Ports["${key.slice(0, 40)}"]`, 'a list of objects');
    const list = (binds ?? []) as Json[];
    if (!list.length) ports.push({ containerPort: Number(port) || 0, protocol });
    for (const b of list) {
      ports.push({
        containerPort: Number(port) || 0,
        protocol,
        hostPort: Number(f.str(b, 'HostPort')) || undefined,
        hostIp: f.str(b, 'HostIp') || undefined,
      });
    }
  }
  const health = f.str(f.obj(state, 'Health') ?? {}, 'Status');
  const status = f.str(state, 'Status');
  return {
    id,
    name,
    names: [name],
    image: f.str(config, 'Image') ?? f.str(c, 'Image') ?? '',
    state: status ? normalizeState(status) : 'unknown',
    status: status ?? '',
    created: ms(f.str(c, 'Created')) ?? 0,
    labels,
    ports,
    composeProject: labels['com.docker.compose.project'],
    composeService: labels['com.docker.compose.service'],
    health: health === 'healthy' || health === 'unhealthy' || health === 'starting' ? health : undefined,
    command: f.strings(config, 'Cmd', true),
    entrypoint: f.strings(config, 'Entrypoint', true),
    workingDir: f.str(config, 'WorkingDir') || undefined,
    user: f.str(config, 'User') || undefined,
    tty: !!f.bool(config, 'Tty'),
    startedAt: ms(f.str(state, 'StartedAt')),
    finishedAt: ms(f.str(state, 'FinishedAt')),
    exitCode: f.num(state, 'ExitCode'),
    restartCount: f.num(c, 'RestartCount'),
    mounts: toMounts(f, c),
    networks: Object.entries(f.obj(net, 'Networks') ?? {}).map(([n, v]) => ({
      name: n,
      ipAddress: (isObject(v) ? f.str(v, 'IPAddress') : undefined) || undefined,
    })),
    raw: c,
  };
}

/** The engine's mounts (the list and inspect documents give the same fields) in the runtime's shape. */
function toMounts(f: Shape, c: Json): MountInfo[] {
  return f.objects(c, 'Mounts').map((m) => {
    const type = f.str(m, 'Type') ?? 'bind';
    return {
      type,
      source: (type === 'volume' ? f.str(m, 'Name') : f.str(m, 'Source')) || undefined,
      destination: f.str(m, 'Destination') ?? '',
      readOnly: f.bool(m, 'RW') === false,
    };
  });
}
