import * as vscode from 'vscode';
import type { ServiceStatus } from '../../../core/workspace/membership';
import { stateWord } from '../../ui/stateWords';

/**
 * A service's state in words, in the user's language: "not created", "running", "running 1/3",
 * "exited (0)", "exited 2" (the replicas' count when several share the state). In English the same
 * as the runtime layer's `text`, which `cws` prints.
 */
export function serviceStatusText(st: ServiceStatus): string {
  const n = st.containers.length;
  switch (st.state) {
    case 'notCreated':
      return vscode.l10n.t('not created');
    case 'running': {
      const running = n > 1 ? vscode.l10n.t('running {0}/{1}', st.running, n) : stateWord('running');
      return st.containers.some((c) => c.health === 'unhealthy') ? vscode.l10n.t('{0}, unhealthy', running) : running;
    }
    case 'partial':
      return vscode.l10n.t('running {0}/{1}', st.running, n);
    default: {
      const codes = new Set(
        st.containers.flatMap((c) => (c.state === 'exited' && c.exitCode !== undefined ? [c.exitCode] : [])),
      );
      const word =
        st.state === 'exited' && codes.size === 1 ? vscode.l10n.t('exited ({0})', [...codes][0]) : stateWord(st.state);
      return n > 1 ? `${word} ${n}` : word;
    }
  }
}
