/**
 * devcontainer-feature.json read and checked. The reference CLI parses it as JSONC (comments and
 * trailing commas allowed), so we do too. Every property the spec gives a type is checked against it;
 * problems name the Feature and the property, at most a few per message, and nothing here throws
 * anything but a RuntimeError. Size and nesting are checked before parsing, so a huge or deep file
 * costs one linear scan.
 */
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { CONTAINER_HOOKS, type LifecycleCommand } from '../detection/types';
import { jsonDepth } from '../detection/limits';
import { featureError, quote } from './errors';
import { FEATURE_LIMITS } from './limits';
import type { FeatureMetadata, FeatureMount, FeatureOption, UserOptions } from './types';

/** Problems listed in one message; the rest are counted. */
const MAX_PROBLEMS = 5;
const FEATURE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Names a Dockerfile ENV line can carry unquoted; every real Feature's variables fit. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,255}$/;
/** A containerEnv value becomes an ENV line: a line break would start a new Dockerfile instruction. */
const LINE_BREAK = /[\r\n]/;

type Json = unknown;

/** A map with no prototype, so `__proto__` or `constructor` keys are plain keys. */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses one devcontainer-feature.json. `source` names the file (or the Feature key) in messages
 * until the Feature's own id is known. Throws a RuntimeError listing what is wrong.
 */
export function parseFeatureMetadata(text: string, source: string): FeatureMetadata {
  const where = quote(source);
  if (typeof text !== 'string') throw featureError(`The metadata of ${where} is not text.`, 'Check the Feature.');
  if (text.length > FEATURE_LIMITS.maxMetadataChars)
    throw featureError(
      `devcontainer-feature.json of ${where} is larger than ${FEATURE_LIMITS.maxMetadataChars / 1024} KiB.`,
      'A Feature’s metadata is small; check that the file is the right one.',
    );
  const depth = jsonDepth(text, FEATURE_LIMITS.maxDepth);
  if (depth.offset >= 0)
    throw featureError(
      `devcontainer-feature.json of ${where} nests deeper than ${FEATURE_LIMITS.maxDepth} levels.`,
      'Flatten the file; no Feature property needs that depth.',
    );
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false }) as Json;
  if (errors.length > 0) {
    const e = errors[0];
    throw featureError(
      `devcontainer-feature.json of ${where} is not valid JSON: ${printParseErrorCode(e.error)} at offset ${e.offset}.`,
      'Fix the syntax of the file.',
    );
  }
  if (!isObject(value))
    throw featureError(`devcontainer-feature.json of ${where} is not a JSON object.`, 'The file must hold one object.');
  return new Checker(source, value).metadata();
}

class Checker {
  private readonly problems: string[] = [];
  private problemCount = 0;
  private name: string;

  constructor(
    source: string,
    private readonly raw: Record<string, Json>,
  ) {
    this.name = source;
  }

  metadata(): FeatureMetadata {
    const raw = this.raw;
    const id = raw.id;
    if (typeof id === 'string' && FEATURE_ID.test(id)) this.name = id;
    else this.problem('id', 'must be letters, digits, `.`, `_` or `-` (at most 128)');
    const m: FeatureMetadata = {
      id: typeof id === 'string' ? id : '',
      version: this.str('version'),
      name: this.str('name'),
      description: this.str('description'),
      documentationURL: this.str('documentationURL'),
      options: this.options(),
      containerEnv: this.env(),
      mounts: this.mounts(),
      capAdd: this.strings('capAdd'),
      securityOpt: this.strings('securityOpt'),
      privileged: this.bool('privileged'),
      init: this.bool('init'),
      entrypoint: this.str('entrypoint'),
      customizations: this.customizations(),
      dependsOn: this.dependsOn(),
      installsAfter: this.strings('installsAfter'),
      legacyIds: this.strings('legacyIds'),
      deprecated: this.bool('deprecated'),
      hooks: {},
    };
    for (const hook of CONTAINER_HOOKS) {
      const c = this.command(hook, raw[hook]);
      if (c !== undefined) m.hooks[hook] = c;
    }
    if (this.problemCount > 0) {
      const shown = this.problems.join('; ');
      const more = this.problemCount > MAX_PROBLEMS ? ` (and ${this.problemCount - MAX_PROBLEMS} more)` : '';
      throw featureError(
        `The Feature ${quote(this.name)} has invalid metadata: ${shown}${more}.`,
        'Fix devcontainer-feature.json as the Features spec describes, or ask the Feature’s author.',
      );
    }
    return m;
  }

  private problem(property: string, what: string): void {
    this.problemCount++;
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(`${quote(property)} ${what}`);
  }

  private isString(property: string, v: Json): v is string {
    if (typeof v !== 'string') {
      this.problem(property, 'must be a string');
      return false;
    }
    if (v.length > FEATURE_LIMITS.maxStringChars) {
      this.problem(property, `is longer than ${FEATURE_LIMITS.maxStringChars} characters`);
      return false;
    }
    return true;
  }

  private str(property: string): string | undefined {
    const v = this.raw[property];
    if (v === undefined) return undefined;
    return this.isString(property, v) ? v : undefined;
  }

  private bool(property: string): boolean | undefined {
    const v = this.raw[property];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') {
      this.problem(property, 'must be true or false');
      return undefined;
    }
    return v;
  }

  private list(property: string, v: Json): Json[] | undefined {
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) {
      this.problem(property, 'must be an array');
      return undefined;
    }
    if (v.length > FEATURE_LIMITS.maxEntries) {
      this.problem(property, `has more than ${FEATURE_LIMITS.maxEntries} entries`);
      return undefined;
    }
    return v as Json[];
  }

  private map(property: string, v: Json, max: number = FEATURE_LIMITS.maxEntries): [string, Json][] | undefined {
    if (v === undefined) return undefined;
    if (!isObject(v)) {
      this.problem(property, 'must be an object');
      return undefined;
    }
    const keys = Object.keys(v);
    if (keys.length > max) {
      this.problem(property, `has more than ${max} entries`);
      return undefined;
    }
    return keys.map((k) => [k, v[k]]);
  }

  private strings(property: string, v: Json = this.raw[property]): string[] {
    const items = this.list(property, v) ?? [];
    const out: string[] = [];
    items.forEach((item, i) => {
      if (this.isString(`${property}[${i}]`, item)) out.push(item);
    });
    return out;
  }

  private options(): Record<string, FeatureOption> {
    const out = dict<FeatureOption>();
    for (const [key, o] of this.map('options', this.raw.options, FEATURE_LIMITS.maxOptions) ?? []) {
      const p = `options.${key}`;
      if (key === '' || key.length > 256) {
        this.problem(p, 'needs a name of 1 to 256 characters');
        continue;
      }
      if (!isObject(o)) {
        this.problem(p, 'must be an object');
        continue;
      }
      if (o.type !== 'string' && o.type !== 'boolean') {
        this.problem(`${p}.type`, 'must be "string" or "boolean"');
        continue;
      }
      const opt: FeatureOption = { type: o.type };
      if (o.default !== undefined) {
        if (typeof o.default !== o.type) this.problem(`${p}.default`, `must be a ${o.type}`);
        else if (typeof o.default === 'boolean' || this.isString(`${p}.default`, o.default)) opt.default = o.default;
      }
      if (o.enum !== undefined) opt.enum = this.strings(`${p}.enum`, o.enum);
      if (o.proposals !== undefined) opt.proposals = this.strings(`${p}.proposals`, o.proposals);
      if (o.description !== undefined && this.isString(`${p}.description`, o.description))
        opt.description = o.description;
      out[key] = opt;
    }
    return out;
  }

  private env(): Record<string, string> {
    const out = dict<string>();
    for (const [key, v] of this.map('containerEnv', this.raw.containerEnv) ?? []) {
      if (!ENV_NAME.test(key)) this.problem(`containerEnv.${key}`, 'is not a variable name (letters, digits, `_`)');
      else if (this.isString(`containerEnv.${key}`, v)) {
        if (LINE_BREAK.test(v)) this.problem(`containerEnv.${key}`, 'contains a line break');
        else out[key] = v;
      }
    }
    return out;
  }

  private mounts(): FeatureMount[] {
    const out: FeatureMount[] = [];
    (this.list('mounts', this.raw.mounts) ?? []).forEach((m, i) => {
      const p = `mounts[${i}]`;
      if (typeof m === 'string') {
        if (this.isString(p, m)) out.push(m);
        return;
      }
      if (!isObject(m)) return this.problem(p, 'must be a mount string or object');
      if (m.type !== 'bind' && m.type !== 'volume') return this.problem(`${p}.type`, 'must be "bind" or "volume"');
      if (!this.isString(`${p}.target`, m.target)) return;
      if (m.source !== undefined && !this.isString(`${p}.source`, m.source)) return;
      out.push(
        m.source === undefined
          ? { type: m.type, target: m.target }
          : { type: m.type, source: m.source, target: m.target },
      );
    });
    return out;
  }

  private customizations(): unknown {
    const v = this.raw.customizations;
    if (v === undefined) return undefined;
    if (!isObject(v)) this.problem('customizations', 'must be an object');
    return isObject(v) ? v : undefined;
  }

  private dependsOn(): Record<string, UserOptions> {
    const out = dict<UserOptions>();
    for (const [key, v] of this.map('dependsOn', this.raw.dependsOn) ?? []) {
      const o = userOptionsOf(v);
      if (o === undefined) this.problem(`dependsOn.${key}`, 'must be options (an object of strings and booleans)');
      else out[key] = o;
    }
    return out;
  }

  private command(property: string, v: Json): LifecycleCommand | undefined {
    if (v === undefined) return undefined;
    const argv = (x: Json): x is string[] =>
      Array.isArray(x) && x.length <= FEATURE_LIMITS.maxEntries && x.every((s) => typeof s === 'string');
    if (typeof v === 'string') return this.isString(property, v) ? v : undefined;
    if (argv(v)) return v;
    if (isObject(v)) {
      const entries = Object.keys(v);
      if (entries.length <= FEATURE_LIMITS.maxEntries && entries.every((k) => typeof v[k] === 'string' || argv(v[k]))) {
        const out = dict<string | string[]>();
        for (const k of entries) out[k] = v[k] as string | string[];
        return out;
      }
    }
    this.problem(property, 'must be a command: a string, an array of strings, or an object of those');
    return undefined;
  }
}

/**
 * A `features` / `dependsOn` value as the spec allows it: an object of string and boolean options,
 * or a bare string or boolean (meaning the `version` option, applied by options.ts). Anything else:
 * undefined.
 */
export function userOptionsOf(v: Json): UserOptions | undefined {
  if (typeof v === 'string') return v.length <= FEATURE_LIMITS.maxStringChars ? v : undefined;
  if (typeof v === 'boolean') return v;
  if (!isObject(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length > FEATURE_LIMITS.maxOptions) return undefined;
  const out = dict<string | boolean>();
  for (const k of keys) {
    const x = v[k];
    if (typeof x === 'boolean' || (typeof x === 'string' && x.length <= FEATURE_LIMITS.maxStringChars)) out[k] = x;
    // Not in the spec, but written by users (`"version": 18`) and passed on as text by the reference CLI.
    else if (typeof x === 'number' && Number.isFinite(x)) out[k] = String(x);
    else return undefined;
  }
  return out;
}
