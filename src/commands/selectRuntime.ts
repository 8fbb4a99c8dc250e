import * as vscode from 'vscode';
import { SECTION } from '../settings';
import type { Command } from './types';

interface RuntimePick extends vscode.QuickPickItem { value: string }

/** Chooses the runtime; the session follows the setting change without a window reload. */
export const selectRuntime: Command = {
  id: 'containerWorkspaces.selectRuntime',
  async run({ session }) {
    const current = vscode.workspace.getConfiguration(SECTION).get<string>('runtime') || 'auto';
    const items: RuntimePick[] = [
      { value: 'auto', label: 'Auto', description: 'The first that answers: Apple Containers (macOS), Docker, Podman' },
      { value: 'docker', label: 'Docker' },
      { value: 'podman', label: 'Podman' },
      { value: 'apple', label: 'Apple Containers' },
    ].map((i) => ({ ...i, detail: i.value === current ? 'current setting' : undefined }));
    const pick = await vscode.window.showQuickPick(items, {
      title: 'Container Runtime',
      placeHolder: `Active: ${session.label} (${session.state === 'ready' ? 'running' : session.state === 'checking' ? 'connecting' : 'not running'})`,
    });
    if (!pick) return;
    if (pick.value === current) {
      await session.connect();
      return;
    }
    await vscode.workspace.getConfiguration(SECTION).update('runtime', pick.value, vscode.ConfigurationTarget.Global);
  },
};
