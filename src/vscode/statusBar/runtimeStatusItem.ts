import * as vscode from 'vscode';
import type { RuntimeSession } from '../runtimeSession';

/** "Docker 20.10" when it answers, "Docker: not running" with a warning look when it does not. */
export class RuntimeStatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly sub: vscode.Disposable;

  constructor(private readonly session: RuntimeSession) {
    this.item = vscode.window.createStatusBarItem('containerWorkspaces.runtime', vscode.StatusBarAlignment.Left, 90);
    this.item.name = vscode.l10n.t('Container Runtime');
    this.item.command = 'containerWorkspaces.selectRuntime';
    this.sub = session.onDidChange(() => this.render());
    this.render();
    this.item.show();
  }

  private render(): void {
    const s = this.session;
    const item = this.item;
    item.backgroundColor = undefined;
    const tip = new vscode.MarkdownString(undefined, true);
    switch (s.state) {
      case 'checking':
        item.text = `$(loading~spin) ${s.label}`;
        tip.appendMarkdown(vscode.l10n.t('Connecting to {0}…', s.label));
        break;
      case 'ready': {
        const info = s.info!;
        item.text = `$(vm-running) ${s.label} ${shortVersion(info.version)}`;
        tip.appendMarkdown(`**${s.label}** ${info.version}`);
        if (info.apiVersion) tip.appendMarkdown(` · ${vscode.l10n.t('API {0}', info.apiVersion)}`);
        if (info.os) tip.appendMarkdown(` · ${info.os}/${info.arch ?? ''}`);
        tip.appendMarkdown('\n\n');
        tip.appendText(info.endpoint);
        break;
      }
      case 'host':
        item.text = `$(device-desktop) ${s.label}`;
        tip.appendMarkdown(
          vscode.l10n.t('**Host**: no container engine. Workspace commands (shell, run, tasks) run on this machine.'),
        );
        break;
      case 'unreachable':
        item.text = s.runtimeId
          ? `$(warning) ${vscode.l10n.t('{0}: not running', s.label)}`
          : `$(warning) ${vscode.l10n.t('Container runtime: invalid')}`;
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        tip.appendText(s.error?.message ?? vscode.l10n.t('{0} is not reachable.', s.label));
        if (s.hint()) {
          tip.appendMarkdown('\n\n');
          tip.appendText(s.hint()!);
        }
        break;
    }
    tip.appendMarkdown(`\n\n---\n\n${vscode.l10n.t('Click to choose the container runtime.')}`);
    item.tooltip = tip;
    item.accessibilityInformation = { label: item.text.replace(/\$\([^)]*\)\s*/g, '') };
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}

/** "20.10.24" → "20.10"; other shapes pass through. */
export function shortVersion(v: string): string {
  const m = /^(\d+)\.(\d+)/.exec(v);
  return m ? `${m[1]}.${m[2]}` : v;
}
