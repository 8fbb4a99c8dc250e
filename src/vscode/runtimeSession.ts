import * as vscode from 'vscode';
import { RuntimeError, fromEngineError, startHint } from '../core/runtime/errors';
import { createRuntime, resolveRuntimeId, runtimeChoice, type SelectionInput } from '../core/runtime/select';
import type { ContainerRuntime, RuntimeId, RuntimeInfo } from '../core/runtime/types';
import { RUNTIME_LABELS } from '../core/runtime/types';
import { EngineOutage } from './live/engineOutage';
import { formatError } from './ui/format';

/** The failures that mean the engine does not answer (or not to us). */
const unreachable = (e: RuntimeError) => e.code === 'unavailable' || e.code === 'permission' || e.code === 'timeout';

/** A RuntimeError as it is; anything else as an internal one with its text. */
const asRuntimeError = (err: unknown) =>
  err instanceof RuntimeError ? err : new RuntimeError('internal', String(err), undefined, { cause: err });

/** `host`: no engine on purpose — workspace commands run on this machine. */
export type RuntimeState = 'checking' | 'ready' | 'unreachable' | 'host';

/**
 * The active runtime and whether it answers. Views and the status bar read it and listen to
 * onDidChange; nothing here waits on an engine when it is created.
 */
export class RuntimeSession implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  private rt: ContainerRuntime | undefined;
  private _id: RuntimeId | undefined;
  private _state: RuntimeState = 'checking';
  private _info: RuntimeInfo | undefined;
  private _error: RuntimeError | undefined;
  /** Bumped on every connect/switch so a late answer from an old attempt is ignored. */
  private generation = 0;
  private needsSelect = true;
  /** `auto` looks again on the next connect after a failure: another runtime may be up by then. */
  private auto = false;
  private host = false;
  /** The active runtime has answered since it was selected: a failure now is an outage. */
  private everReady = false;
  /** The outage under way: its one notification, and the ping that ends it. */
  private outage: EngineOutage | undefined;
  private switching = false;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly selection: () => SelectionInput,
  ) {}

  get state(): RuntimeState {
    return this._state;
  }
  get info(): RuntimeInfo | undefined {
    return this._info;
  }
  get error(): RuntimeError | undefined {
    return this._error;
  }
  get runtimeId(): RuntimeId | undefined {
    return this._id;
  }
  get label(): string {
    if (this._id) return RUNTIME_LABELS[this._id];
    return this.host ? vscode.l10n.t('Host') : vscode.l10n.t('Container runtime');
  }
  /** The runtime setting is `host`. */
  get isHost(): boolean {
    return this.host;
  }
  /** The active runtime, or undefined while `auto` is still looking or when the selection is invalid. */
  get runtime(): ContainerRuntime | undefined {
    return this.rt;
  }

  /** Picks the runtime the settings ask for (`auto`: the first that answers). Old streams are closed first. */
  private async select(gen: number): Promise<boolean> {
    // Listeners let go of the old runtime first, then its streams are closed.
    const old = this.rt;
    this.rt = undefined;
    this._info = undefined;
    this._error = undefined;
    // A switch the user asked for ends the outage; `auto` looking again during one does not.
    if (this.switching) {
      this.everReady = false;
      this.endOutage();
    }
    this.switching = false;
    if (old) {
      this.changed.fire();
      await old.close(); // Apple's close() resolves once its CLI children have exited
    }
    try {
      const input = this.selection();
      const choice = runtimeChoice(input);
      const auto = choice === 'auto';
      this.auto = auto;
      this.host = choice === 'host';
      if (this.host) {
        this._id = undefined;
        this.log.info('Runtime: host (no container engine; workspace commands run on this machine)');
        return true;
      }
      const id = await resolveRuntimeId(input);
      if (gen !== this.generation) return false;
      this._id = id;
      this.rt = createRuntime(id, input);
      this.log.info(`Runtime: ${this.rt.label}${auto ? ' (auto)' : ''} at ${this.rt.endpoint}`);
      return true;
    } catch (err) {
      if (gen !== this.generation) return false;
      this._id = undefined;
      this.host = false;
      this._error = asRuntimeError(err);
      this.log.error(`Runtime selection failed: ${this._error.message}`);
      return true;
    }
  }

  /** Switches to whatever the settings now say, without a window reload. */
  reselect(): Promise<void> {
    this.needsSelect = true;
    this.switching = true;
    return this.connect();
  }

  /** (Re)selects when needed, then reads the active runtime's version. Never throws. */
  async connect(): Promise<void> {
    const gen = ++this.generation;
    this.setState('checking');
    if (this.needsSelect) {
      if (!(await this.select(gen))) return;
      this.needsSelect = false;
    }
    const rt = this.rt;
    if (this.host) return this.setState('host');
    if (!rt) return this.setState('unreachable');
    try {
      const info = await rt.info();
      if (gen !== this.generation) return;
      this._info = info;
      this._error = undefined;
      this.log.info(
        `${rt.label} ${info.version}${info.apiVersion ? ` (API ${info.apiVersion})` : ''} at ${rt.endpoint}`,
      );
      this.setState('ready');
    } catch (err) {
      if (gen !== this.generation) return;
      this.fail(err);
    }
  }

  /**
   * A failed request as a RuntimeError, mapped for the active runtime. An unreachable engine flips
   * the state (the welcome view then explains); nothing else is logged here: commands throw the
   * error, and their wrapper logs and shows it.
   */
  classifyFailure(err: unknown): RuntimeError {
    const e = this.rt ? fromEngineError(err, this.rt.id, this.rt.endpoint) : asRuntimeError(err);
    if (unreachable(e)) this.fail(e);
    return e;
  }

  /**
   * Views call this when a request fails: classifyFailure, and the error logged unless it flipped
   * the state (which logs by itself). The error is returned for the caller to show.
   */
  reportFailure(err: unknown): RuntimeError {
    const e = this.classifyFailure(err);
    if (!unreachable(e)) this.log.error(e.message);
    return e;
  }

  /** The hint for getting the active runtime going. */
  hint(): string | undefined {
    return this._error?.hint ?? (this._id ? startHint(this._id) : undefined);
  }

  private fail(err: unknown): void {
    const rt = this.rt;
    this._error = rt ? fromEngineError(err, rt.id, rt.endpoint) : asRuntimeError(err);
    this._info = undefined;
    if (this.auto) this.needsSelect = true;
    // Once per outage, however often it is retried meanwhile.
    if (this._state !== 'unreachable' && !this.outage) this.log.warn(formatError(this._error));
    if (rt && this.everReady && !this.outage)
      this.outage = new EngineOutage(
        this.label,
        (signal) => (this.rt ? this.rt.ping(signal) : Promise.reject(new Error('no runtime'))),
        () => void this.connect(),
      );
    this.setState('unreachable');
  }

  private endOutage(): void {
    this.outage?.dispose();
    this.outage = undefined;
  }

  private setState(s: RuntimeState): void {
    if (s === 'ready') {
      if (this.outage) this.log.info(`${this.label} answers again`);
      this.endOutage();
      this.everReady = true;
    }
    this._state = s;
    void vscode.commands.executeCommand('setContext', 'containerWorkspaces.runtimeState', s);
    void vscode.commands.executeCommand(
      'setContext',
      'containerWorkspaces.runtime',
      this._id ?? (this.host ? 'host' : 'none'),
    );
    this.changed.fire();
  }

  dispose(): void {
    this.generation++;
    this.endOutage();
    void this.rt?.close();
    this.changed.dispose();
  }
}
