import * as vscode from 'vscode';
import type { StatsText } from '../../shared/statsText';

/**
 * The stats webview's words in the display language (the page gets them with its HTML). Placeholders
 * are passed through as themselves: the page fills them.
 */
export function statsText(): StatsText {
  return {
    cpu: vscode.l10n.t('CPU'),
    memory: vscode.l10n.t('Memory'),
    used: vscode.l10n.t('Used'),
    network: vscode.l10n.t('Network I/O'),
    networkShort: vscode.l10n.t('Net I/O'),
    received: vscode.l10n.t('Received'),
    sent: vscode.l10n.t('Sent'),
    block: vscode.l10n.t('Block I/O'),
    read: vscode.l10n.t('Read'),
    written: vscode.l10n.t('Written'),
    name: vscode.l10n.t('Name'),
    pids: vscode.l10n.t('PIDs'),
    selectedContainer: vscode.l10n.t('Selected container'),
    runningContainers: vscode.l10n.t('Running containers'),
    noLimit: vscode.l10n.t('no limit'),
    limit: vscode.l10n.t('limit {0}', '{0}'),
    noRunningContainers: vscode.l10n.t('No running containers.'),
    changeLimit: vscode.l10n.t('Change limit'),
    changeLimitTitle: vscode.l10n.t('Raise containerWorkspaces.stats.maxContainers'),
    showing: vscode.l10n.t('Showing {0} of {1} running containers', '{0}', '{1}'),
  };
}
