import * as vscode from 'vscode';
import type { ServiceState } from '../../../core/workspace/membership';
import { containerIcon } from '../containers/containerItem';

/** Not created: an empty circle; partly running: amber; otherwise as its containers. */
export function serviceIcon(state: ServiceState): vscode.ThemeIcon {
  if (state === 'notCreated') return new vscode.ThemeIcon('circle-large-outline');
  if (state === 'partial') return new vscode.ThemeIcon('vm-active', new vscode.ThemeColor('charts.yellow'));
  return containerIcon({ state });
}
