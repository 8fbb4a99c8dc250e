import type { Subscription } from '../types';

/**
 * A Subscription that tracks itself in its runtime's registry (so close() on the runtime ends it),
 * ends once, and resolves `ended` whether it was closed or the source ended on its own.
 */
export class ManagedSubscription implements Subscription {
  readonly ended: Promise<void>;
  private resolveEnded!: () => void;
  private done = false;

  constructor(
    private readonly registry: Set<ManagedSubscription>,
    private readonly teardown: () => void,
  ) {
    this.ended = new Promise((r) => {
      this.resolveEnded = r;
    });
    registry.add(this);
  }

  get isEnded(): boolean {
    return this.done;
  }

  close(): void {
    if (this.done) return;
    try {
      this.teardown();
    } finally {
      this.finish();
    }
  }

  /** The source ended by itself. */
  finish(): void {
    if (this.done) return;
    this.done = true;
    this.registry.delete(this);
    this.resolveEnded();
  }
}
