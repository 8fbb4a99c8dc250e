import * as vscode from 'vscode';
import type { SelectionInput } from '../core/runtime/select';

export const SECTION = 'containerWorkspaces';

/** The runtime-selection inputs from settings and the extension host's environment. */
export function selectionFromSettings(): SelectionInput {
  const c = vscode.workspace.getConfiguration(SECTION);
  return {
    setting: c.get<string>('runtime') || 'auto',
    dockerHost: c.get<string>('docker.host') || undefined,
    podmanHost: c.get<string>('podman.host') || undefined,
    appleCliPath: c.get<string>('apple.cliPath') || undefined,
  };
}

export function affectsRuntimeSelection(e: vscode.ConfigurationChangeEvent): boolean {
  return ['runtime', 'docker.host', 'podman.host', 'apple.cliPath'].some((k) =>
    e.affectsConfiguration(`${SECTION}.${k}`),
  );
}
