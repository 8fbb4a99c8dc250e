import * as vscode from 'vscode';
import { cancelledError } from '../../../core/workspace/cancel';
import type { Command } from '../types';
import { readyRuntime } from './targets';

/** Pulls an image (asked for), with progress and Cancel; the Images view shows it when done. */
export const pullImage: Command = {
  id: 'containerWorkspaces.pullImage',
  async run(deps) {
    const rt = readyRuntime(deps);
    const ref = (
      await vscode.window.showInputBox({
        title: vscode.l10n.t('Pull Image'),
        prompt: vscode.l10n.t('The image to pull, such as debian:bookworm or registry.example.com/team/app:1.0'),
        validateInput: (v) =>
          /^[^\s-][^\s]*$/.test(v.trim()) ? undefined : vscode.l10n.t('Enter an image reference.'),
      })
    )?.trim();
    if (!ref) return;
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Pulling {0}', ref), cancellable: true },
      async (progress, token) => {
        const ctl = new AbortController();
        const sub = token.onCancellationRequested(() => ctl.abort());
        let shown = 0;
        try {
          await rt.pullImage(
            ref,
            (p) => {
              const now = Date.now();
              if (now - shown < 250) return;
              shown = now;
              progress.report({ message: [p.id, p.message].filter(Boolean).join(' ').slice(0, 80) });
            },
            ctl.signal,
          );
        } catch (err) {
          if (ctl.signal.aborted) throw cancelledError();
          throw err;
        } finally {
          sub.dispose();
        }
      },
    );
    deps.log.info(`Pulled ${ref}.`);
    await deps.images.refresh();
  },
};
