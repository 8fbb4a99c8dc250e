// Reading an engine's JSON without trusting it: every field is checked for the type we use it as.
// Absent (undefined or null) is allowed and gets a default; a value of another type means the
// engine (or whatever answers on its socket) is not speaking the Engine API, and that is reported
// as such — never passed on to crash later as a TypeError.
import { RuntimeError } from '../errors';

/** Where a document came from, for the message: "Docker answered /containers/json with …". */
export interface Origin {
  label: string;
  path: string;
}

export class MalformedAnswer extends RuntimeError {
  constructor(origin: Origin, what: string) {
    super(
      'internal',
      `${origin.label} answered ${origin.path} with ${what}.`,
      'The engine (or what listens at its address) does not speak the Docker Engine API as expected; ' +
        'check its version and address.',
    );
  }
}

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Field readers bound to one document; each throws MalformedAnswer naming the field. */
export class Shape {
  constructor(
    readonly origin: Origin,
    /** What the document is, for messages: "a container", "the version". */
    private readonly what: string,
  ) {}

  fail(field: string, expected: string): never {
    throw new MalformedAnswer(this.origin, `${this.what} whose ${field} is not ${expected}`);
  }

  private absent(v: unknown): v is undefined | null {
    return v === undefined || v === null;
  }

  str(o: Json, field: string): string | undefined {
    const v = o[field];
    if (this.absent(v)) return undefined;
    if (typeof v !== 'string') this.fail(field, 'a string');
    return v;
  }

  num(o: Json, field: string): number | undefined {
    const v = o[field];
    if (this.absent(v)) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(field, 'a number');
    return v;
  }

  bool(o: Json, field: string): boolean | undefined {
    const v = o[field];
    if (this.absent(v)) return undefined;
    if (typeof v !== 'boolean') this.fail(field, 'true or false');
    return v;
  }

  obj(o: Json, field: string): Json | undefined {
    const v = o[field];
    if (this.absent(v)) return undefined;
    if (!isObject(v)) this.fail(field, 'an object');
    return v;
  }

  arr(o: Json, field: string): unknown[] | undefined {
    const v = o[field];
    if (this.absent(v)) return undefined;
    if (!Array.isArray(v)) this.fail(field, 'a list');
    return v as unknown[];
  }

  /** A list whose items are all objects. */
  objects(o: Json, field: string): Json[] {
    const a = this.arr(o, field) ?? [];
    if (!a.every(isObject)) this.fail(field, 'a list of objects');
    return a;
  }

  /** A list of strings; a lone string is accepted as a list of one (Cmd, Entrypoint). */
  strings(o: Json, field: string, loneOk = false): string[] {
    const v = o[field];
    if (this.absent(v)) return [];
    if (loneOk && typeof v === 'string') return [v];
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) this.fail(field, 'a list of strings');
    return v;
  }

  /** An object of strings (Labels, Attributes). */
  strMap(o: Json, field: string): Record<string, string> {
    const v = this.obj(o, field);
    if (!v) return {};
    if (!Object.values(v).every((s) => typeof s === 'string')) this.fail(field, 'an object of strings');
    return { ...(v as Record<string, string>) };
  }
}

/** The top of a document: an object (else MalformedAnswer). */
export function topObject(v: unknown, origin: Origin, what: string): Json {
  if (!isObject(v)) throw new MalformedAnswer(origin, `something that is not ${what}`);
  return v;
}

/** The top of a list document: an array of objects (else MalformedAnswer). */
export function topList(v: unknown, origin: Origin, what: string): Json[] {
  if (!Array.isArray(v) || !v.every(isObject)) throw new MalformedAnswer(origin, `something that is not ${what}`);
  return v;
}
