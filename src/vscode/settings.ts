import * as vscode from 'vscode';
import type { SelectionInput } from '../core/runtime/select';

export const SECTION = 'containerWorkspaces';

/** The runtime-selection inputs from settings and the extension host's environment. */
export function selectionFromSettings(): SelectionInput {
  const c = vscode.workspace.getConfiguration(SECTION);
  const insecure = c.get<unknown>('docker.insecureHosts');
  const input: SelectionInput = {
    setting: c.get<string>('runtime') || 'auto',
    dockerHost: c.get<string>('docker.host') || undefined,
    podmanHost: c.get<string>('podman.host') || undefined,
    appleCliPath: c.get<string>('apple.cliPath') || undefined,
    // host:port entries whose TLS certificate is not checked; anything that is not a string is ignored.
    insecureHosts: Array.isArray(insecure) ? insecure.filter((h): h is string => typeof h === 'string') : [],
  };
  return input;
}

export function affectsRuntimeSelection(e: vscode.ConfigurationChangeEvent): boolean {
  return ['runtime', 'docker.host', 'docker.insecureHosts', 'podman.host', 'apple.cliPath'].some((k) =>
    e.affectsConfiguration(`${SECTION}.${k}`),
  );
}
