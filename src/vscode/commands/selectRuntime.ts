import * as vscode from 'vscode';
import { detectRuntimes, type RuntimeAvailability } from '../../core/runtime/select';
import { RUNTIME_LABELS, type RuntimeId } from '../../core/runtime/types';
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
  if (!a) return { description: 'checking…', iconPath: icon('loading~spin') };
  if (a.available)
    return {
      description: `running ${a.info?.version ?? ''}`.trim(),
      detail: a.endpoint,
      iconPath: icon('pass-filled', 'charts.green'),
    };
  if (a.id === 'apple' && process.platform !== 'darwin')
    return { description: 'macOS only', iconPath: icon('circle-slash') };
  return {
    description: 'not running',
    detail: a.error?.hint ?? a.error?.message,
    iconPath: icon('circle-slash', 'charts.red'),
  };
}

/**
 * The runtime picker: each runtime with whether it answers and its version (looked up while the
 * pick is open). Choosing one writes the setting; the session follows without a window reload.
 */
export const selectRuntime: Command = {
  id: 'containerWorkspaces.selectRuntime',
  async run({ session }) {
    const current = (vscode.workspace.getConfiguration(SECTION).get<string>('runtime') || 'auto') as Choice;
    const qp = vscode.window.createQuickPick<RuntimePick>();
    qp.title = 'Container Runtime';
    const state = { ready: 'running', checking: 'connecting', unreachable: 'not running', host: 'no engine' }[
      session.state
    ];
    qp.placeholder = `Active: ${session.label} (${state})`;
    qp.matchOnDescription = true;
    let found: RuntimeAvailability[] | undefined;
    const render = () => {
      const autoPick = found?.find((a) => a.available && (a.id !== 'apple' || process.platform === 'darwin'));
      qp.items = ORDER.map((value): RuntimePick => {
        const mark = value === current ? ' · current setting' : '';
        if (value === 'auto') {
          return {
            value,
            label: 'Auto',
            iconPath: icon('sparkle'),
            description: `${found ? (autoPick ? `uses ${autoPick.label}` : 'none running') : 'checking…'}${mark}`,
            detail: 'The first that answers: Apple Containers (macOS), Docker, Podman',
          };
        }
        if (value === 'host') {
          return {
            value,
            label: 'Host',
            iconPath: icon('device-desktop'),
            description: `no engine${mark}`,
            detail: 'Workspace commands run on this machine',
          };
        }
        const d = describe(found?.find((a) => a.id === value));
        return { value, label: RUNTIME_LABELS[value], ...d, description: `${d.description}${mark}` };
      });
      qp.activeItems = qp.items.filter((i) => i.value === current);
    };
    render();
    qp.busy = true;
    void detectRuntimes(selectionFromSettings()).then((r) => {
      found = r;
      qp.busy = false;
      render();
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
    if (!pick) return;
    if (pick.value === current) {
      await session.connect();
      return;
    }
    await vscode.workspace.getConfiguration(SECTION).update('runtime', pick.value, settingTarget());
  },
};
