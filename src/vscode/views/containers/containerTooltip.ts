import * as vscode from 'vscode';
import type { ContainerSummary } from '../../../core/runtime/types';
import type { TunnelInfo } from '../../tunnels/tunnelManager';

const md = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

/** "5 minutes ago", for the tooltip (built when shown, so it is current). */
export function ago(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  const [n, unit] =
    s < 60
      ? [s, 'second']
      : s < 3600
        ? [Math.round(s / 60), 'minute']
        : s < 86_400
          ? [Math.round(s / 3600), 'hour']
          : [Math.round(s / 86_400), 'day'];
  return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
}

/** The address a published port opens in a browser. */
export function portUrl(p: { hostPort?: number; hostIp?: string }): string | undefined {
  if (!p.hostPort) return undefined;
  const ip =
    !p.hostIp || p.hostIp === '0.0.0.0' || p.hostIp === '::'
      ? 'localhost'
      : p.hostIp.includes(':')
        ? `[${p.hostIp}]`
        : p.hostIp;
  return `http://${ip}:${p.hostPort}`;
}

/** Image, ports (published ones as links), mounts, networks, created; for the row's hover. */
export function containerTooltip(c: ContainerSummary, workspace?: string, tunnel?: TunnelInfo): vscode.MarkdownString {
  const t = new vscode.MarkdownString(undefined, true);
  const lines: string[] = [];
  lines.push(`**${md(c.name)}** — ${md(c.status || c.state)}`);
  lines.push(`$(package) ${code(c.image)}`);
  if (c.composeProject)
    lines.push(`$(layers) Compose ${md(c.composeProject)}${c.composeService ? ` / ${md(c.composeService)}` : ''}`);
  if (workspace) lines.push(`$(root-folder) In this workspace (${md(workspace)})`);
  if (tunnel) {
    lines.push(
      tunnel.url
        ? `$(remote) Tunnel ${md(tunnel.name)}: [${md(tunnel.url)}](${tunnel.url})`
        : tunnel.login
          ? `$(remote) Tunnel ${md(tunnel.name)} waits for sign-in: code ${code(tunnel.login.code)} at [${md(tunnel.login.url)}](${tunnel.login.url})`
          : `$(remote) Tunnel ${md(tunnel.name)} is starting`,
    );
  }
  const seen = new Set<string>();
  const ports = c.ports
    .filter((p) => {
      const k = `${p.hostPort ?? ''}:${p.containerPort}/${p.protocol}`;
      return !seen.has(k) && seen.add(k);
    })
    .map((p) => {
      const url = portUrl(p);
      const target = `${p.containerPort}/${p.protocol}`;
      return url ? `[${md(url.replace('http://', ''))}](${url}) → ${target}` : target;
    });
  if (ports.length) lines.push(`$(plug) ${ports.join(', ')}`);
  for (const m of c.mounts ?? []) {
    lines.push(
      `$(folder) ${m.source ? `${code(m.source)} → ` : ''}${code(m.destination)}${m.type !== 'bind' ? ` (${md(m.type)})` : ''}${m.readOnly ? ' read-only' : ''}`,
    );
  }
  if (c.networkNames?.length) lines.push(`$(globe) ${c.networkNames.map(md).join(', ')}`);
  if (c.created) lines.push(`Created ${md(new Date(c.created).toLocaleString())} (${ago(c.created)})`);
  lines.push(`ID ${code(c.id.slice(0, 12))}`);
  t.appendMarkdown(lines.join('\n\n'));
  return t;
}
