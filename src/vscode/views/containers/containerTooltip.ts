import * as vscode from 'vscode';
import { forwardedItems, type ForwardItem } from '../../../core/forwarding/types';
import { LABELS } from '../../../core/runtime/labels';
import { shortRepoAddress } from '../../../core/workspace/repoAddress';
import type { ContainerSummary, MountInfo } from '../../../core/runtime/types';
import type { TunnelInfo } from '../../tunnels/tunnelManager';
import { stateWord } from '../../ui/stateWords';

/** Text as Markdown shows it literally. */
export const md = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

/** What a workspace container borrows from this machine, in words. */
function forwardWord(i: ForwardItem): string {
  switch (i) {
    case 'gitIdentity':
      return vscode.l10n.t('git identity');
    case 'gitCredentials':
      return vscode.l10n.t('git credentials');
    case 'sshAgent':
      return vscode.l10n.t('SSH agent');
    case 'gpg':
      return vscode.l10n.t('GPG signing');
  }
}

/** "5 minutes ago", for the tooltip (built when shown, so it is current). */
export function ago(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return s === 1 ? vscode.l10n.t('1 second ago') : vscode.l10n.t('{0} seconds ago', s);
  if (s < 3600) {
    const m = Math.round(s / 60);
    return m === 1 ? vscode.l10n.t('1 minute ago') : vscode.l10n.t('{0} minutes ago', m);
  }
  if (s < 86_400) {
    const h = Math.round(s / 3600);
    return h === 1 ? vscode.l10n.t('1 hour ago') : vscode.l10n.t('{0} hours ago', h);
  }
  const d = Math.round(s / 86_400);
  return d === 1 ? vscode.l10n.t('1 day ago') : vscode.l10n.t('{0} days ago', d);
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

/** The tunnel's line: its address as a link, the sign-in it waits for, or that it is starting. */
function tunnelLine(tunnel: TunnelInfo): string {
  const name = md(tunnel.name);
  if (tunnel.url) return vscode.l10n.t('Tunnel {0}: {1}', name, `[${md(tunnel.url)}](${tunnel.url})`);
  if (tunnel.login) {
    const at = `[${md(tunnel.login.url)}](${tunnel.login.url})`;
    return vscode.l10n.t('Tunnel {0} waits for sign-in: code {1} at {2}', name, code(tunnel.login.code), at);
  }
  return vscode.l10n.t('Tunnel {0} is starting', name);
}

/** The published ports (as links) and the exposed ones, each once. */
function portsLine(c: ContainerSummary): string | undefined {
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
  return ports.length ? `$(plug) ${ports.join(', ')}` : undefined;
}

/** A mount: source → destination, its type unless a bind, and whether it is read-only. */
function mountLine(m: MountInfo): string {
  const from = m.source ? `${code(m.source)} → ` : '';
  const type = m.type !== 'bind' ? ` (${md(m.type)})` : '';
  const readOnly = m.readOnly ? ` ${vscode.l10n.t('read-only')}` : '';
  return `$(folder) ${from}${code(m.destination)}${type}${readOnly}`;
}

/** Image, ports (published ones as links), mounts, networks, created; for the row's hover. */
export function containerTooltip(c: ContainerSummary, workspace?: string, tunnel?: TunnelInfo): vscode.MarkdownString {
  const t = new vscode.MarkdownString(undefined, true);
  const lines: string[] = [];
  lines.push(`**${md(c.name)}** — ${md(c.status || stateWord(c.state))}`);
  lines.push(`$(package) ${code(c.image)}`);
  if (c.composeProject) {
    const project = `${md(c.composeProject)}${c.composeService ? ` / ${md(c.composeService)}` : ''}`;
    lines.push(`$(layers) ${vscode.l10n.t('Compose {0}', project)}`);
  }
  if (workspace) lines.push(`$(root-folder) ${vscode.l10n.t('In this workspace ({0})', md(workspace))}`);
  const repo = c.labels[LABELS.repo];
  if (repo) {
    const volume = code(c.labels[LABELS.repoVolume] ?? '?');
    lines.push(`$(repo) ${vscode.l10n.t('Clone of {0} in volume {1}', md(shortRepoAddress(repo)), volume)}`);
  }
  if (tunnel) lines.push(`$(remote) ${tunnelLine(tunnel)}`);
  const borrowed = forwardedItems(c.labels[LABELS.forward]);
  if (borrowed.length)
    lines.push(`$(key) ${vscode.l10n.t('Borrows from this machine: {0}', borrowed.map(forwardWord).join(', '))}`);
  const ports = portsLine(c);
  if (ports) lines.push(ports);
  for (const m of c.mounts ?? []) lines.push(mountLine(m));
  if (c.networkNames?.length) lines.push(`$(globe) ${c.networkNames.map(md).join(', ')}`);
  if (c.created)
    lines.push(vscode.l10n.t('Created {0} ({1})', md(new Date(c.created).toLocaleString()), ago(c.created)));
  lines.push(vscode.l10n.t('ID {0}', code(c.id.slice(0, 12))));
  t.appendMarkdown(lines.join('\n\n'));
  return t;
}
