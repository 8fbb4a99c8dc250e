import * as vscode from 'vscode';
import type { ContainerWorkspacesApi } from '../../../src/vscode/extension';

export const EXTENSION_ID = 'container-workspaces.container-workspaces';

export async function extensionApi(): Promise<ContainerWorkspacesApi> {
  const ext = vscode.extensions.getExtension<ContainerWorkspacesApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not loaded`);
  return ext.activate();
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('containerWorkspaces').update(key, value, vscode.ConfigurationTarget.Global);
}
