import * as vscode from 'vscode';
import { detectRuntimes, type RuntimeAvailability } from '../../core/runtime/select';
import { RUNTIME_LABELS, type RuntimeId } from '../../core/runtime/types';
import type { RuntimeSession } from '../runtimeSession';
import { SECTION, selectionFromSettings } from '../settings';
import type { Command } from './types';

type Choice = RuntimeId | 'auto' | 'host';
interface RuntimePick extends vscode.QuickPickItem {
  value: Choice;
}

const ORDER: Choice[] = ['auto', 'docker', 'podman', 'apple', 'host'];

/** Where the runtime setting is defined now, so the change lands where it takes effect. */
function settingTarget(): vscode.ConfigurationTarget {
  const i = vscode.workspace.getConfiguration(SECTION).inspect<string>('runtime');
  if (i?.workspaceFolderValue !== undefined) return vscode.ConfigurationTarget.WorkspaceFolder;
  if (i?.workspaceValue !== undefined) return vscode.ConfigurationTarget.Workspace;
  return vscode.ConfigurationTarget.Global;
}

const icon = (id: string, color?: string) => new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);

function describe(
  a: RuntimeAvailability | undefined,
): Pick<vscode.QuickPickItem, 'description' | 'detail' | 'iconPath'> {
  if (!a) return { description: vscode.l10n.t('checking…'), iconPath: icon('loading~spin') };
  if (a.available)
    return {
      description: vscode.l10n.t('running {0}', a.info?.version ?? '').trim(),
      detail: a.endpoint,
      iconPath: icon('pass-filled', 'charts.green'),
    };
  if (a.id === 'apple' && process.platform !== 'darwin')
    return { description: vscode.l10n.t('macOS only'), iconPath: icon('circle-slash') };
  return {
    description: vscode.l10n.t('not running'),
    detail: a.error?.hint ?? a.error?.message,
    iconPath: icon('circle-slash', 'charts.red'),
  };
}

/** The session's state in the picker's placeholder. */
function stateText(session: RuntimeSession): string {
  switch (session.state) {
    case 'ready':
      return vscode.l10n.t('running');
    case 'checking':
      return vscode.l10n.t('connecting');
    case 'unreachable':
      return vscode.l10n.t('not running');
    case 'host':
      return vscode.l10n.t('no engine');
  }
}

/** The picker's rows: each choice with what is known of it (`found` undefined: still looking). */
function runtimePicks(current: Choice, found: RuntimeAvailability[] | undefined): RuntimePick[] {
  const autoPick = found?.find((a) => a.available && (a.id !== 'apple' || process.platform === 'darwin'));
  return ORDER.map((value): RuntimePick => {
    const described = (d: string) => (value === current ? vscode.l10n.t('{0} · current setting', d) : d);
    if (value === 'auto') {
      const uses = found
        ? autoPick
          ? vscode.l10n.t('uses {0}', autoPick.label)
          : vscode.l10n.t('none running')
        : vscode.l10n.t('checking…');
      return {
        value,
        label: vscode.l10n.t('Auto'),
        iconPath: icon('sparkle'),
        description: described(uses),
        detail: vscode.l10n.t('The first that answers: Apple Containers (macOS), Docker, Podman'),
      };
    }
    if (value === 'host') {
      return {
        value,
        label: vscode.l10n.t('Host'),
        iconPath: icon('device-desktop'),
        description: described(vscode.l10n.t('no engine')),
        detail: vscode.l10n.t('Workspace commands run on this machine'),
      };
    }
    const d = describe(found?.find((a) => a.id === value));
    return { value, label: RUNTIME_LABELS[value], ...d, description: described(d.description ?? '') };
  });
}

/** Shows the picker, filling in the runtimes' availability as it is found; resolves with the choice. */
async function pickRuntime(session: RuntimeSession, current: Choice): Promise<RuntimePick | undefined> {
  const qp = vscode.window.createQuickPick<RuntimePick>();
  qp.title = vscode.l10n.t('Container Runtime');
  qp.placeholder = vscode.l10n.t('Active: {0} ({1})', session.label, stateText(session));
  qp.matchOnDescription = true;
  const render = (found?: RuntimeAvailability[]) => {
    qp.items = runtimePicks(current, found);
    qp.activeItems = qp.items.filter((i) => i.value === current);
  };
  render();
  qp.busy = true;
  void detectRuntimes(selectionFromSettings()).then((found) => {
    qp.busy = false;
    render(found);
  });
  const pick = await new Promise<RuntimePick | undefined>((resolve) => {
    qp.onDidAccept(() => {
      resolve(qp.selectedItems[0]);
      qp.hide();
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  return pick;
}

/**
 * The runtime picker: each runtime with whether it answers and its version (looked up while the
 * pick is open). Choosing one writes the setting; the session follows without a window reload.
 */
export const selectRuntime: Command = {
  id: 'containerWorkspaces.selectRuntime',
  async run({ session }) {
    const current = (vscode.workspace.getConfiguration(SECTION).get<string>('runtime') || 'auto') as Choice;
    const pick = await pickRuntime(session, current);
    if (!pick) return;
    if (pick.value === current) {
      await session.connect();
      return;
    }
    await vscode.workspace.getConfiguration(SECTION).update('runtime', pick.value, settingTarget());
  },
};
