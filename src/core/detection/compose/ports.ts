import { isIP } from 'node:net';
import type { ComposePort } from '../types';

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

/** A port or port range ("80", "8000-8010"): its bounds, or undefined when it is not one. */
function portRange(s: string): [number, number] | undefined {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(s);
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  if (a < 1 || b > 65535 || b < a) return undefined;
  return [a, b];
}

/**
 * One entry of a service's `ports`, as Compose reads it:
 * short syntax `[HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]` (ranges allowed, `[::1]` for IPv6 hosts,
 * `127.0.0.1::80` for "any host port"), a bare number, or the long syntax
 * `{ target, published, host_ip, protocol, mode, name, app_protocol }`.
 * Returns the port, or a sentence saying what is wrong with it (never quoting the value: it may
 * come from the environment).
 */
export function parsePort(v: unknown): ComposePort | string {
  if (typeof v === 'number') {
    return Number.isInteger(v) && v >= 1 && v <= 65535
      ? { target: v, protocol: 'tcp' }
      : 'a port number must be between 1 and 65535';
  }
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return parseLongPort(v as Record<string, unknown>);
  if (typeof v !== 'string') return 'a port must be a string, a number or a mapping with target:';
  let s = v.trim();
  let protocol = 'tcp';
  const slash = s.lastIndexOf('/');
  if (slash >= 0) {
    protocol = s.slice(slash + 1).toLowerCase();
    s = s.slice(0, slash);
    if (!PROTOCOLS.has(protocol)) return 'the protocol must be tcp, udp or sctp';
  }
  let hostIp: string | undefined;
  if (s.startsWith('[')) {
    const end = s.indexOf(']:');
    if (end < 0) return 'an IPv6 host address needs the form [ADDRESS]:PUBLISHED:TARGET';
    hostIp = s.slice(1, end);
    s = s.slice(end + 2);
    if (isIP(hostIp) !== 6) return 'the host address in brackets is not an IPv6 address';
  }
  const parts = s.split(':');
  if (parts.length === 3 && hostIp === undefined) hostIp = parts.shift()!;
  if (parts.length > 2 || (hostIp !== undefined && parts.length !== 2))
    return 'the form is [HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]';
  const [published, container] = parts.length === 2 ? parts : [undefined, parts[0]];
  const target = portRange(container);
  if (!target) return 'the container port is not a port or port range (1-65535)';
  if (published) {
    const pub = portRange(published);
    if (!pub) return 'the published port is not a port or port range (1-65535)';
    const width = (r: [number, number]) => r[1] - r[0];
    if (width(target) !== 0 && width(pub) !== width(target))
      return 'the published and container port ranges differ in size';
  }
  if (hostIp && !isIP(hostIp)) return 'the host address is not an IP address';
  return { target: target[0], published: published || undefined, hostIp: hostIp || undefined, protocol };
}

function parseLongPort(v: Record<string, unknown>): ComposePort | string {
  const t = typeof v.target === 'string' ? Number(v.target.trim()) : v.target;
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > 65535)
    return 'the long port syntax needs target: a port number (1-65535)';
  let published: string | undefined;
  if (v.published !== undefined && v.published !== null && v.published !== '') {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- any YAML value; a non-port is refused below
    published = String(v.published).trim();
    if (!portRange(published)) return 'published: is not a port or port range (1-65535)';
  }
  const protocol = typeof v.protocol === 'string' ? v.protocol.toLowerCase() : 'tcp';
  if (!PROTOCOLS.has(protocol)) return 'protocol: must be tcp, udp or sctp';
  const hostIp = typeof v.host_ip === 'string' && v.host_ip ? v.host_ip : undefined;
  if (hostIp && !isIP(hostIp)) return 'host_ip: is not an IP address';
  return { target: t, published, hostIp, protocol };
}

/**
 * The identity Compose gives a `ports` entry when merging files: entries with the same key are
 * one entry (the later one wins, in the earlier one's place). Short syntax as written; long syntax
 * by host address, published port, target and protocol.
 */
export function portKey(v: unknown): string {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    // eslint-disable-next-line @typescript-eslint/no-base-to-string, @typescript-eslint/restrict-template-expressions -- any YAML value, as String() writes it: equal entries give equal keys
    return `${o.host_ip ?? '0.0.0.0'}:${o.published ?? ''}:${o.target}/${o.protocol ?? 'tcp'}`;
  }
  return String(v);
}
