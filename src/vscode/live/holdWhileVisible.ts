import * as vscode from 'vscode';

/** Holds something (a live store) while the view is visible, and lets go when it is hidden or disposed. */
export function holdWhileVisible(view: vscode.TreeView<unknown>, acquire: () => () => void): vscode.Disposable {
  let release: (() => void) | undefined;
  const update = () => {
    if (view.visible && !release) release = acquire();
    else if (!view.visible && release) {
      release();
      release = undefined;
    }
  };
  const sub = view.onDidChangeVisibility(update);
  update();
  return new vscode.Disposable(() => {
    sub.dispose();
    release?.();
    release = undefined;
  });
}
