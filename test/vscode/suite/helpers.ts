import * as vscode from 'vscode';
import type { ContainerWorkspacesApi } from '../../../src/vscode/api';
import { TEST_INTERNALS_COMMAND, type ExtensionInternals } from '../../../src/vscode/testAccess';

export const EXTENSION_ID = 'container-workspaces.container-workspaces';

/** What another extension gets: the exported API, once the extension is active. */
export async function extensionApi(): Promise<ContainerWorkspacesApi> {
  const ext = vscode.extensions.getExtension<ContainerWorkspacesApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not loaded`);
  return ext.activate();
}

/**
 * The extension's own objects (session, live store, trees, views, …), through the command it
 * registers only when VS Code runs it in Test mode (src/vscode/testAccess.ts).
 */
export async function extensionInternals(): Promise<ExtensionInternals> {
  await extensionApi();
  const internals = await vscode.commands.executeCommand<ExtensionInternals | undefined>(TEST_INTERNALS_COMMAND);
  if (!internals) throw new Error(`${TEST_INTERNALS_COMMAND} returned nothing: is the extension host in Test mode?`);
  return internals;
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('containerWorkspaces').update(key, value, vscode.ConfigurationTarget.Global);
}
