import type { ContainerInfo } from 'dockerode';
import type { ContainerState, ContainerSummary, PortMapping } from '../types';

const STATES: ReadonlySet<string> = new Set(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead']);

export function normalizeState(s: string | undefined): ContainerState {
  const v = (s ?? '').toLowerCase();
  // Podman reports "configured"/"stopped" where Docker says "created"/"exited".
  if (v === 'configured' || v === 'initialized') return 'created';
  if (v === 'stopped') return 'exited';
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
  };
}
