import * as vscode from 'vscode';
import type { ContainerState } from '../../core/runtime/types';

/** A container state as a word for people ("exited"), in the user's language. */
export function stateWord(state: ContainerState): string {
  switch (state) {
    case 'created':
      return vscode.l10n.t('created');
    case 'running':
      return vscode.l10n.t('running');
    case 'paused':
      return vscode.l10n.t('paused');
    case 'restarting':
      return vscode.l10n.t('restarting');
    case 'removing':
      return vscode.l10n.t('removing');
    case 'exited':
      return vscode.l10n.t('exited');
    case 'dead':
      return vscode.l10n.t('dead');
    case 'unknown':
      return vscode.l10n.t('unknown');
  }
}
