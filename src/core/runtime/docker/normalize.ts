import type { ContainerInfo, ContainerInspectInfo } from 'dockerode';
import type { ContainerDetails, ContainerState, ContainerSummary, HealthState, MountInfo, PortMapping } from '../types';

const STATES: ReadonlySet<string> = new Set([
  'created',
  'running',
  'paused',
  'restarting',
  'removing',
  'exited',
  'dead',
]);

export function normalizeState(s: string | undefined): ContainerState {
  const v = (s ?? '').toLowerCase();
  // Podman reports "configured"/"stopped" where Docker says "created"/"exited", and "stopping"
  // while a stop is under way (still running: without this the row flashed "unknown").
  if (v === 'configured' || v === 'initialized') return 'created';
  if (v === 'stopped') return 'exited';
  if (v === 'stopping') return 'running';
  return STATES.has(v) ? (v as ContainerState) : 'unknown';
}

/** GET /containers/json entry → the normalised summary. */
export function toSummary(c: ContainerInfo): ContainerSummary {
  const names = (c.Names ?? []).map((n) => n.replace(/^\//, ''));
  const labels = c.Labels ?? {};
  const ports: PortMapping[] = (c.Ports ?? []).map((p) => ({
    containerPort: p.PrivatePort,
    hostPort: p.PublicPort || undefined,
    hostIp: p.IP || undefined,
    protocol: p.Type || 'tcp',
  }));
  return {
    id: c.Id,
    name: names[0] ?? c.Id.slice(0, 12),
    names,
    image: c.Image,
    state: normalizeState(c.State),
    status: c.Status ?? '',
    created: (c.Created ?? 0) * 1000,
    labels,
    ports,
    composeProject: labels['com.docker.compose.project'],
    composeService: labels['com.docker.compose.service'],
    health: healthFromStatus(c.Status),
    exitCode: exitCodeFromStatus(c.Status),
    mounts: toMounts(c.Mounts),
    networkNames: Object.keys(c.NetworkSettings?.Networks ?? {}),
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
export function toDetails(c: ContainerInspectInfo): ContainerDetails {
  const labels = c.Config?.Labels ?? {};
  const name = (c.Name ?? '').replace(/^\//, '');
  const ports: PortMapping[] = [];
  for (const [key, binds] of Object.entries(c.NetworkSettings?.Ports ?? {})) {
    const [port, protocol = 'tcp'] = key.split('/');
    if (!binds?.length) ports.push({ containerPort: Number(port), protocol });
    for (const b of binds ?? []) {
      ports.push({
        containerPort: Number(port),
        protocol,
        hostPort: Number(b.HostPort) || undefined,
        hostIp: b.HostIp || undefined,
      });
    }
  }
  const health = (c.State as { Health?: { Status?: string } }).Health?.Status;
  const toArray = (v: string | string[] | undefined) =>
    v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
  return {
    id: c.Id,
    name,
    names: [name],
    image: c.Config?.Image ?? c.Image,
    state: c.State?.Status ? normalizeState(c.State.Status) : 'unknown',
    status: c.State?.Status ?? '',
    created: ms(c.Created) ?? 0,
    labels,
    ports,
    composeProject: labels['com.docker.compose.project'],
    composeService: labels['com.docker.compose.service'],
    health: health === 'healthy' || health === 'unhealthy' || health === 'starting' ? health : undefined,
    command: toArray(c.Config?.Cmd),
    entrypoint: toArray(c.Config?.Entrypoint),
    workingDir: c.Config?.WorkingDir || undefined,
    user: c.Config?.User || undefined,
    tty: !!c.Config?.Tty,
    startedAt: ms(c.State?.StartedAt),
    finishedAt: ms(c.State?.FinishedAt),
    exitCode: c.State?.ExitCode,
    restartCount: c.RestartCount,
    mounts: toMounts(c.Mounts),
    networks: Object.entries(c.NetworkSettings?.Networks ?? {}).map(([n, v]) => ({
      name: n,
      ipAddress: v.IPAddress || undefined,
    })),
    raw: c,
  };
}

/** The engine's mounts (the list and inspect documents give the same fields) in the runtime's shape. */
function toMounts(
  mounts: readonly { Type?: string; Name?: string; Source?: string; Destination: string; RW?: boolean }[] | undefined,
): MountInfo[] {
  return (mounts ?? []).map((m) => ({
    type: m.Type ?? 'bind',
    source: (m.Type === 'volume' ? m.Name : m.Source) || undefined,
    destination: m.Destination,
    readOnly: m.RW === false,
  }));
}
