import * as vscode from 'vscode';
import type { ResourceStore } from '../../../core/live/resourceStore';
import type { NetworkSummary } from '../../../core/runtime/types';
import type { NetworkRow } from '../../../core/inventory/networks';
import { loadDetection } from '../../detection/loadDetection';
import type { LiveContainers } from '../../live/liveContainers';
import type { RuntimeSession } from '../../runtimeSession';
import { md } from '../containers/containerTooltip';
import { networkContextValue } from '../contextValues';
import { containerNames, ResourceTree } from './resourceTree';

export class NetworkNode {
  readonly kind = 'network';
  constructor(readonly row: NetworkRow) {}
}

/** The Networks view: the engine's own networks first (marked), then the others, with what is attached. */
export class NetworksTree extends ResourceTree<NetworkNode> {
  constructor(session: RuntimeSession, live: LiveContainers, store: ResourceStore<NetworkSummary>) {
    super(session, live, store);
  }

  get rows(): NetworkRow[] {
    const rt = this.session.runtime;
    return this.ready && rt
      ? loadDetection().networkInventory(rt.id, this.store.items as NetworkSummary[], this.containers)
      : [];
  }

  getChildren(node?: NetworkNode): NetworkNode[] {
    return node ? [] : this.rows.map((r) => new NetworkNode(r));
  }

  getTreeItem({ row }: NetworkNode): vscode.TreeItem {
    const n = row.network;
    const item = new vscode.TreeItem(n.name, vscode.TreeItemCollapsibleState.None);
    item.id = `network:${n.id}`;
    const count = row.attached.length;
    item.description = [
      row.builtIn ? vscode.l10n.t('built in') : undefined,
      n.driver,
      count ? (count === 1 ? vscode.l10n.t('1 container') : vscode.l10n.t('{0} containers', count)) : undefined,
    ]
      .filter(Boolean)
      .join(' · ');
    item.iconPath = new vscode.ThemeIcon(row.builtIn ? 'lock' : 'type-hierarchy');
    item.contextValue = networkContextValue({ builtIn: row.builtIn, inUse: count > 0 });
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(`**${md(n.name)}**\n\n$(symbol-key) ${md(n.id)}\n\n`);
    tip.appendMarkdown(md(vscode.l10n.t('Driver: {0} · scope: {1}', n.driver, n.scope)));
    if (count)
      tip.appendMarkdown(`\n\n$(vm-running) ${md(vscode.l10n.t('Attached: {0}', containerNames(row.attached)))}`);
    item.tooltip = tip;
    item.accessibilityInformation = {
      label: [
        vscode.l10n.t('network {0}', n.name),
        row.builtIn ? vscode.l10n.t('built in') : undefined,
        count ? vscode.l10n.t('attached: {0}', containerNames(row.attached)) : undefined,
      ]
        .filter(Boolean)
        .join(', '),
    };
    return item;
  }
}
