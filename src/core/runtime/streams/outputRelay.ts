/**
 * Output of an interactive process, handed to listeners: what arrives before the first listener
 * is attached is kept and given to it (a shell's first prompt often comes while the caller is
 * still awaiting the exec's set-up — a resize — and would otherwise be lost: a blank terminal).
 */
export class OutputRelay {
  private readonly listeners: ((text: string) => void)[] = [];
  private pending: string[] | undefined = [];
  /** What may wait for a listener; past this the oldest is dropped (nobody is reading). */
  private static readonly MAX_PENDING_CHARS = 1 << 20;
  private pendingChars = 0;

  push(text: string): void {
    if (!text) return;
    if (this.pending) {
      this.pending.push(text);
      this.pendingChars += text.length;
      while (this.pendingChars > OutputRelay.MAX_PENDING_CHARS && this.pending.length > 1)
        this.pendingChars -= this.pending.shift()!.length;
      return;
    }
    for (const l of this.listeners) l(text);
  }

  on(listener: (text: string) => void): void {
    this.listeners.push(listener);
    const held = this.pending;
    if (!held) return;
    this.pending = undefined;
    for (const t of held) listener(t);
  }
}
