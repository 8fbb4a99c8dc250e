/**
 * The dev container lifecycle hooks: which run at a moment, in what order, and running them with an
 * injected `exec` (so this is pure and tested with a fake). The rules, from the containers.dev
 * reference (devcontainerjson-reference.md "Lifecycle scripts", devcontainer-reference.md
 * "Lifecycle", features-contribute-lifecycle-scripts.md, parallel-lifecycle-script-execution.md):
 *
 * - Forms: a string runs in `/bin/sh -c`; an array is one argv, no shell; an object runs each of its
 *   values (string or array) in parallel, each named by its key. Empty commands are left out.
 * - Order: initializeCommand (on the host, before anything, every time the container is brought
 *   up), then in the container onCreateCommand, updateContentCommand, postCreateCommand (these three
 *   once, when the container is first created), postStartCommand (every start, the first one
 *   included), postAttachCommand (every time a tool attaches: a shell, a tunnel).
 * - Moments: `create` runs onCreate … postStart (and postAttach when the caller attaches at once);
 *   `start` (an existing container started again) runs postStart (and postAttach when attaching);
 *   `attach` runs postAttach only.
 * - Features: in each hook, the commands the Features contribute run first, in install order, each
 *   as a step of its own, then the config's own command.
 * - Failure: a command that exits non-zero (or cannot be run) stops the sequence: nothing after it
 *   runs, not the rest of its hook nor the later hooks. Parallel entries of the same step all run to
 *   their end; the failure reported is the first failed entry in written order.
 * - waitFor (default updateContentCommand): the tool may go on (report the container ready, open
 *   the terminal) once that hook has finished; the later hooks go on in the background. Hooks that
 *   are not in the moment's sequence do not hold it up: for `start`, with the default, ready comes
 *   before postStartCommand.
 */
import type { ContainerHook, LifecycleCommand, WaitFor } from '../detection/types';
import { CONTAINER_HOOKS } from '../detection/types';
import { RuntimeError } from '../runtime/errors';

export type LifecycleHook = 'initializeCommand' | ContainerHook;
export type LifecycleMoment = 'create' | 'start' | 'attach';
/** Who contributed a command: a Feature (by its id as written) or the config itself. */
export type LifecycleSource = 'devcontainer.json' | `feature ${string}`;

/** One command to run: its argv, and its key when it came from the object (parallel) form. */
export interface LifecycleEntry {
  name?: string;
  argv: string[];
}

/** One step: one contribution to one hook; its entries run together. */
export interface LifecycleStep {
  hook: LifecycleHook;
  source: LifecycleSource;
  entries: LifecycleEntry[];
}

export interface LifecyclePlan {
  moment: LifecycleMoment | 'initialize';
  steps: LifecycleStep[];
  /** The tool may go on once this many steps have finished (0: before the first). */
  readyAfter: number;
}

/** A contribution to one hook: `command` as written, from `source`. */
export interface HookContribution {
  source: LifecycleSource;
  command: LifecycleCommand | undefined;
}

export type HookInputs = Partial<Record<LifecycleHook, readonly HookContribution[]>>;

export const LIFECYCLE_LIMITS = {
  /** Parallel entries of one command (the object form). */
  maxParallel: 64,
  /** Arguments of one argv. */
  maxArgs: 10_000,
  /** Steps of one sequence (contributions × hooks). */
  maxSteps: 1000,
};

const ORDER: readonly LifecycleHook[] = ['initializeCommand', ...CONTAINER_HOOKS];

const tooMany = (what: string, limit: number) =>
  new RuntimeError(
    'invalidArgument',
    `${what} has more than ${limit} entries.`,
    'Split the work into a script the command runs.',
  );

/**
 * A command's entries: a string → `[...shell, s]`, an array → as is, an object → each value so, named
 * by its key. Empty strings and arrays are left out.
 */
export function commandEntries(
  command: LifecycleCommand | undefined,
  hook: LifecycleHook = 'postCreateCommand',
  shell: readonly string[] = ['/bin/sh', '-c'],
): LifecycleEntry[] {
  const one = (c: unknown, name?: string): LifecycleEntry | undefined => {
    let argv: string[] | undefined;
    if (typeof c === 'string') argv = c.trim() ? [...shell, c] : undefined;
    else if (Array.isArray(c) && c.every((a) => typeof a === 'string')) {
      if (c.length > LIFECYCLE_LIMITS.maxArgs)
        throw tooMany(`"${hook}"${name ? ` "${name}"` : ''}`, LIFECYCLE_LIMITS.maxArgs);
      argv = c.length ? [...c] : undefined;
    }
    return argv ? { ...(name !== undefined ? { name } : {}), argv } : undefined;
  };
  if (command === undefined || command === null) return [];
  if (typeof command === 'string' || Array.isArray(command)) {
    const e = one(command);
    return e ? [e] : [];
  }
  if (typeof command !== 'object') return [];
  const keys = Object.keys(command);
  if (keys.length > LIFECYCLE_LIMITS.maxParallel) throw tooMany(`"${hook}"`, LIFECYCLE_LIMITS.maxParallel);
  return keys.map((k) => one(command[k], k)).filter((e): e is LifecycleEntry => !!e);
}

/** The hooks a moment runs, in order. */
export function hooksFor(moment: LifecycleMoment, o: { attach?: boolean } = {}): ContainerHook[] {
  const hooks: ContainerHook[] =
    moment === 'create'
      ? ['onCreateCommand', 'updateContentCommand', 'postCreateCommand', 'postStartCommand']
      : moment === 'start'
        ? ['postStartCommand']
        : [];
  if (moment === 'attach' || o.attach) hooks.push('postAttachCommand');
  return hooks;
}

/** A hook's steps: Features' contributions first (in the order given), then the config's own. */
function stepsOf(hook: LifecycleHook, inputs: HookInputs, shell?: readonly string[]): LifecycleStep[] {
  const given = inputs[hook] ?? [];
  const ordered = [
    ...given.filter((c) => c.source !== 'devcontainer.json'),
    ...given.filter((c) => c.source === 'devcontainer.json'),
  ];
  const steps: LifecycleStep[] = [];
  for (const c of ordered) {
    const entries = commandEntries(c.command, hook, shell);
    if (entries.length) steps.push({ hook, source: c.source, entries });
  }
  return steps;
}

/** Where waitFor lets the tool go on: after the last step of a hook at or before it in the order. */
function readyIndex(steps: readonly LifecycleStep[], waitFor: WaitFor): number {
  const limit = ORDER.indexOf(waitFor);
  let ready = 0;
  steps.forEach((s, i) => {
    if (ORDER.indexOf(s.hook) <= limit) ready = i + 1;
  });
  return ready;
}

/**
 * The steps a moment runs in the container: its hooks in order, each hook's Feature commands before
 * the config's. `attach`: the caller attaches right away (a shell opened after create or start).
 */
export function planLifecycle(
  moment: LifecycleMoment,
  inputs: HookInputs,
  o: { waitFor?: WaitFor; attach?: boolean } = {},
): LifecyclePlan {
  const steps = hooksFor(moment, o).flatMap((h) => stepsOf(h, inputs));
  if (steps.length > LIFECYCLE_LIMITS.maxSteps) throw tooMany('The lifecycle sequence', LIFECYCLE_LIMITS.maxSteps);
  return { moment, steps, readyAfter: readyIndex(steps, o.waitFor ?? 'updateContentCommand') };
}

/**
 * initializeCommand, run on the host before anything else: `/bin/sh -c` on Linux and macOS,
 * `cmd.exe /c` on Windows (as the reference CLI runs it).
 */
export function planInitialize(command: LifecycleCommand | undefined, platform: NodeJS.Platform = process.platform) {
  const shell = platform === 'win32' ? ['cmd.exe', '/c'] : ['/bin/sh', '-c'];
  const steps = stepsOf('initializeCommand', { initializeCommand: [{ source: 'devcontainer.json', command }] }, shell);
  return { moment: 'initialize', steps, readyAfter: steps.length } satisfies LifecyclePlan;
}

/** The config's own commands per hook, for planLifecycle (Features' contributions are added by the caller). */
export function configHooks(config: Partial<Record<LifecycleHook, LifecycleCommand>>): HookInputs {
  const out: HookInputs = {};
  for (const hook of ORDER) {
    const command = config[hook];
    if (command !== undefined) out[hook] = [{ source: 'devcontainer.json', command }];
  }
  return out;
}

/** Every string of a command through `f` (variable substitution), keeping its form. */
export function mapCommand(command: LifecycleCommand, f: (s: string) => string): LifecycleCommand {
  if (typeof command === 'string') return f(command);
  if (Array.isArray(command)) return command.map(f);
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(command))
    Object.defineProperty(out, k, {
      value: typeof v === 'string' ? f(v) : v.map(f),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

/** What `exec` is told about the command it runs (for its terminal title, its log). */
export interface LifecycleExecContext {
  hook: LifecycleHook;
  source: LifecycleSource;
  name?: string;
  signal?: AbortSignal;
}

export type LifecycleExec = (argv: string[], ctx: LifecycleExecContext) => Promise<{ exitCode: number }>;

export interface RunLifecycleOptions {
  /** Our lines about the sequence ("Running postCreateCommand from devcontainer.json…"). */
  onOutput?: (line: string) => void;
  /** Stops the sequence: no new step starts, and the run ends at once with a `cancelled` error. */
  signal?: AbortSignal;
  /** Called once, when the plan's waitFor point is reached (never when a step before it fails). */
  onReady?: () => void;
}

export interface LifecycleRunResult {
  /** Every entry run, in order, with its exit code. */
  ran: { hook: LifecycleHook; source: LifecycleSource; name?: string; exitCode: number }[];
}

/** A hook that failed: which one, whose command, which entry, its exit code, and what was skipped. */
export class LifecycleError extends RuntimeError {
  constructor(
    readonly hook: LifecycleHook,
    readonly source: LifecycleSource,
    readonly entry: string | undefined,
    readonly exitCode: number | undefined,
    readonly skipped: LifecycleHook[],
    cause?: unknown,
  ) {
    const who = `${hook}${entry !== undefined ? ` "${entry}"` : ''} (from ${source})`;
    const why =
      exitCode !== undefined
        ? `failed with exit code ${exitCode}`
        : `could not be run: ${String((cause as Error)?.message ?? cause).split('\n')[0]}`;
    super(
      'internal',
      `${who} ${why}.`,
      skipped.length
        ? `Not run after it: ${skipped.join(', ')}. Fix the command, then create or start the container again.`
        : 'Fix the command, then create or start the container again.',
      { cause },
    );
    this.name = 'LifecycleError';
  }
}

/** A result without a numeric exit code counts as a failure (-1). */
const exitCodeOf = (v: { exitCode: number } | undefined) => (typeof v?.exitCode === 'number' ? v.exitCode : -1);

const cancelled = () => new RuntimeError('cancelled', 'The lifecycle commands were cancelled.');

/** `p`, or a rejection as soon as `signal` aborts (exec may take its time to notice). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Runs a plan's steps in order, each step's entries together; the first failure ends the run with a
 * LifecycleError (nothing after it runs). Resolves with what ran when every step succeeded.
 */
export async function runLifecycle(
  plan: LifecyclePlan,
  exec: LifecycleExec,
  o: RunLifecycleOptions = {},
): Promise<LifecycleRunResult> {
  const ran: LifecycleRunResult['ran'] = [];
  let ready = false;
  const markReady = () => {
    if (!ready) {
      ready = true;
      o.onReady?.();
    }
  };
  for (let i = 0; i < plan.steps.length; i++) {
    if (i >= plan.readyAfter) markReady();
    if (o.signal?.aborted) throw cancelled();
    const step = plan.steps[i];
    const names = step.entries.map((e) => e.name).filter((n) => n !== undefined);
    o.onOutput?.(
      `Running ${step.hook} from ${step.source}${names.length > 1 ? ` (in parallel: ${names.join(', ')})` : ''}…`,
    );
    const results = await untilAborted(
      Promise.allSettled(
        step.entries.map((e) =>
          Promise.resolve().then(() =>
            exec([...e.argv], {
              hook: step.hook,
              source: step.source,
              ...(e.name !== undefined ? { name: e.name } : {}),
              ...(o.signal ? { signal: o.signal } : {}),
            }),
          ),
        ),
      ),
      o.signal,
    );
    const skipped = () => [...new Set(plan.steps.slice(i + 1).map((s) => s.hook))];
    for (let j = 0; j < results.length; j++) {
      const r = results[j];
      const e = step.entries[j];
      if (r.status === 'rejected' && r.reason instanceof RuntimeError && r.reason.code === 'cancelled') throw r.reason;
      if (r.status === 'fulfilled')
        ran.push({
          hook: step.hook,
          source: step.source,
          ...(e.name !== undefined ? { name: e.name } : {}),
          exitCode: exitCodeOf(r.value),
        });
    }
    // The first failed entry in written order is the one reported.
    const failed = results.findIndex((r) => r.status === 'rejected' || exitCodeOf(r.value) !== 0);
    if (failed >= 0) {
      const r = results[failed];
      const entry = step.entries[failed].name;
      const code = r.status === 'fulfilled' ? exitCodeOf(r.value) : undefined;
      const error = new LifecycleError(
        step.hook,
        step.source,
        entry,
        code,
        skipped(),
        r.status === 'rejected' ? r.reason : undefined,
      );
      o.onOutput?.(error.message);
      throw error;
    }
  }
  markReady();
  return { ran };
}
