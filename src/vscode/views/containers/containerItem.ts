import * as vscode from 'vscode';
import type { ContainerState, ContainerSummary, RuntimeCapabilities } from '../../../core/runtime/types';
import type { TunnelInfo } from '../../tunnels/tunnelManager';
import { workspaceUri } from '../workspaceDecorations';

const ICONS: Record<ContainerState, [string, string | undefined]> = {
  running: ['vm-running', 'charts.green'],
  paused: ['debug-pause', 'charts.yellow'],
  restarting: ['debug-restart', 'charts.yellow'],
  removing: ['trash', 'disabledForeground'],
  created: ['vm-outline', undefined],
  exited: ['vm-outline', 'disabledForeground'],
  dead: ['error', 'charts.red'],
  unknown: ['question', undefined],
};

/** The icon for a container's state and health. */
export function containerIcon(c: Pick<ContainerSummary, 'state' | 'health'>): vscode.ThemeIcon {
  if (c.state === 'running' && c.health === 'unhealthy')
    return new vscode.ThemeIcon('vm-outline', new vscode.ThemeColor('charts.red'));
  if (c.state === 'running' && c.health === 'starting')
    return new vscode.ThemeIcon('vm-active', new vscode.ThemeColor('charts.yellow'));
  const [icon, color] = ICONS[c.state];
  return new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
}

/**
 * The state in words, only where the icon alone does not say enough. It never holds a running time
 * ("Up 5 minutes"), so rows do not need repainting as time passes; the tooltip has that.
 */
export function stateText(c: Pick<ContainerSummary, 'state' | 'health' | 'exitCode'>): string | undefined {
  switch (c.state) {
    case 'running':
      return c.health === 'unhealthy' ? 'unhealthy' : c.health === 'starting' ? 'starting' : undefined;
    case 'exited':
      return c.exitCode === undefined ? 'exited' : `exited (${c.exitCode})`;
    default:
      return c.state;
  }
}

/**
 * What menus key on: `container.<state>` then flags — `.canPause` (the runtime can pause),
 * `.canRestart`, `.web` (a published port to open).
 */
export function containerContextValue(
  c: ContainerSummary,
  caps: RuntimeCapabilities | undefined,
  tunnel?: TunnelInfo,
): string {
  const flags = ['container', c.state];
  if (caps?.pause) flags.push('canPause');
  if (caps?.restart) flags.push('canRestart');
  if (c.ports.some((p) => p.hostPort)) flags.push('web');
  if (tunnel) flags.push('tunnel');
  return flags.join('.');
}

/** One container row: name, image (and state when not plainly running), icon by state and health. */
export function containerItem(
  c: ContainerSummary,
  o: { id: string; caps?: RuntimeCapabilities; workspace?: string; tunnel?: TunnelInfo },
): vscode.TreeItem {
  const item = new vscode.TreeItem(c.name, vscode.TreeItemCollapsibleState.None);
  item.id = o.id;
  const text = stateText(c);
  // The state first: in a narrow sidebar the end of the description is what gets cut off.
  const tunnel = o.tunnel
    ? o.tunnel.url
      ? `tunnel ${o.tunnel.url.replace(/^https:\/\//, '')}`
      : o.tunnel.login
        ? 'tunnel: sign-in needed'
        : 'tunnel starting'
    : undefined;
  item.description = [text, tunnel, c.image].filter(Boolean).join(' · ');
  item.iconPath = containerIcon(c);
  item.contextValue = containerContextValue(c, o.caps, o.tunnel);
  if (o.workspace) item.resourceUri = workspaceUri(`container/${c.id}`);
  item.accessibilityInformation = {
    label: `${c.name}, ${c.image}, ${text ?? c.state}${o.workspace ? ', in this workspace' : ''}`,
  };
  return item;
}
