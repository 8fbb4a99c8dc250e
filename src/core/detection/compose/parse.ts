/**
 * One Compose file → the fields the model keeps, per service, with every problem as a diagnostic at
 * its node. Variables are substituted in the YAML tree (values, never keys) before anything is read,
 * so positions stay those of the text the user wrote.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  visit,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import type { ComposePort, ContextDiagnostic, SourceRange } from '../types';
import { LIMITS, tooDeepMessage, tooManyLines, tooManyLinesMessage, yamlDepth } from '../limits';
import { yamlErrorDiagnostics } from '../yamlErrors';
import { parseYamlDocument } from '../yamlParse';
import { expansionBudget, interpolate, limitMessage, type Lookup } from './interpolate';
import { parsePort, portKey } from './ports';

/** How a file's value for a mergeable field combines with what earlier files said. */
export type MergeMode = 'merge' | 'override' | 'reset';

export interface PortEntry {
  port: ComposePort;
  key: string;
}

export interface ServiceLayer {
  name: string;
  /** 0-based position of the service's key in this file. */
  line: number;
  column: number;
  /** Scalars: a string replaces, null resets (`!reset`), undefined leaves alone. */
  image?: string | null;
  containerName?: string | null;
  build?: { mode: MergeMode; context?: string; dockerfile?: string; target?: string };
  ports?: { mode: MergeMode; entries: PortEntry[] };
  profiles?: { mode: MergeMode; values: string[] };
  dependsOn?: { mode: MergeMode; values: string[] };
  extends: boolean;
}

export interface FileLayer {
  file: string;
  /** Top-level `name:`, interpolated, as written (not yet normalised). */
  name?: string;
  services: ServiceLayer[];
  /** Other files this one names (include, extends.file, env_file), to be checked they can be read. */
  references?: FileReference[];
}

export interface FileReference {
  /** As written (interpolated). */
  written: string;
  /** Which key names it: `include`, `extends.file`, `env_file`. */
  key: string;
  range: SourceRange;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Top-level keys of the Compose specification (anything else, bar x-*, is an error for Compose v2). */
const TOP_LEVEL = new Set([
  'version',
  'name',
  'include',
  'services',
  'networks',
  'volumes',
  'configs',
  'secrets',
  'models',
]);

export function diagnostic(
  file: string,
  message: string,
  severity: 'error' | 'warning',
  range: SourceRange,
): ContextDiagnostic {
  return { file, message, severity, source: 'compose', range };
}

export function lineRange(line: number, column = 0, length = 1): SourceRange {
  return { line, column, endLine: line, endColumn: column + length };
}

class Positions {
  constructor(
    private readonly lc: LineCounter,
    private readonly text: string,
  ) {}

  of(node: Node | Pair | null | undefined, fallback: SourceRange): SourceRange {
    const range = node && 'range' in node ? node.range : undefined;
    if (!range) return fallback;
    const a = this.lc.linePos(range[0]);
    // The value end (range[1]), not the end of trailing comments (range[2]); a block node's end
    // is the start of the next line, which would underline nothing there: end before the newline.
    let end = Math.max(range[1], range[0] + 1);
    while (end > range[0] + 1 && /\s/.test(this.text[end - 1] ?? '')) end--;
    const b = this.lc.linePos(end);
    return { line: a.line - 1, column: a.col - 1, endLine: b.line - 1, endColumn: b.col - 1 };
  }
}

/**
 * The node for `key` in a mapping, looking through YAML merge keys (`<<: *anchor`) the way the
 * parsed value does: an explicit key wins, then the merged mappings in order.
 */
function valueNode(map: YAMLMap, key: string, doc: Document, depth = 0): Node | undefined {
  let merged: Node | undefined;
  for (const item of map.items) {
    const k = isScalar(item.key) ? item.key.value : item.key;
    if (k === key) return (item.value ?? undefined) as Node | undefined;
    // With `merge: true` the merge key's value is a symbol; its source text is `<<`.
    const isMerge = isScalar(item.key) && (item.key.source === '<<' || k === '<<');
    if (isMerge && merged === undefined && depth < 8) {
      const sources = isSeq(item.value) ? item.value.items : [item.value];
      for (const s of sources) {
        const target = isAlias(s) ? s.resolve(doc) : s;
        if (isMap(target)) {
          const found = valueNode(target, key, doc, depth + 1);
          if (found !== undefined) {
            merged = found;
            break;
          }
        }
      }
    }
  }
  return merged;
}

function mode(node: Node | undefined): MergeMode {
  const tag = node && 'tag' in node ? node.tag : undefined;
  return tag === '!reset' ? 'reset' : tag === '!override' ? 'override' : 'merge';
}

/**
 * Parses one Compose file. Returns undefined when the file cannot be read as YAML (the reason is
 * in `diagnostics`); structural problems are warnings and the rest of the file still counts.
 */
export function parseComposeFile(
  file: string,
  text: string,
  lookup: Lookup,
  diagnostics: ContextDiagnostic[],
): FileLayer | undefined {
  const parsed = parseYaml(file, text, diagnostics);
  if (!parsed) return undefined;
  const { doc, pos } = parsed;
  const top = lineRange(0);
  interpolateValues(doc, lookup, (message, severity, node) =>
    diagnostics.push(diagnostic(file, message, severity, pos.of(node, top))),
  );

  let model: Json;
  try {
    // yaml counts alias resolutions: an alias bomb (billion laughs, merge keys of merge keys) stops here.
    model = doc.toJS({ maxAliasCount: LIMITS.maxAliasCount }) as Json;
  } catch (err) {
    const message = (err as Error).message.split('\n')[0];
    diagnostics.push(
      diagnostic(
        file,
        /alias/i.test(message)
          ? 'This file cannot be read: its aliases expand too much ' +
              `(more than ${LIMITS.maxAliasCount} alias resolutions).`
          : `This file cannot be read: ${message}`,
        'error',
        pos.of(doc.contents, top),
      ),
    );
    return undefined;
  }
  if (model === null || model === undefined) return { file, services: [] };
  if (!isObj(model)) {
    diagnostics.push(
      diagnostic(
        file,
        'A Compose file must be a mapping of top-level keys (services:, volumes:, …).',
        'error',
        pos.of(doc.contents, top),
      ),
    );
    return undefined;
  }
  const warn: Warn = (message, node, fallback) =>
    diagnostics.push(diagnostic(file, message, 'warning', pos.of(node, fallback)));
  const layer: FileLayer = { file, services: [], name: typeof model.name === 'string' ? model.name : undefined };
  layer.services = readServices(doc, model, pos, warn);
  const references = referencesOf(doc, model, pos);
  if (references.length) layer.references = references;
  return layer;
}

/** Paths in a value that may be one path, a list of them, or mappings holding them under `key`. */
function pathsIn(v: Json | undefined, key: string): string[] {
  const one = (x: Json): string[] => (typeof x === 'string' ? [x] : isObj(x) ? pathsIn(x[key], key) : []);
  if (Array.isArray(v)) return v.flatMap(one);
  return v === undefined || v === null ? [] : one(v);
}

/** The files a Compose file names: `include` paths and env files, `extends.file`, services' `env_file`. */
function referencesOf(doc: Document, model: Obj, pos: Positions): FileReference[] {
  const out: FileReference[] = [];
  const root = doc.contents as YAMLMap;
  const top = lineRange(0);
  const add = (written: string[], key: string, node: Node | undefined, fallback: SourceRange) => {
    for (const w of written) if (w) out.push({ written: w, key, range: pos.of(node, fallback) });
  };
  if (model.include !== undefined) {
    const node = valueNode(root, 'include', doc);
    const entries = Array.isArray(model.include) ? model.include : [model.include];
    add(
      entries.flatMap((e) => pathsIn(e, 'path')),
      'include',
      node,
      top,
    );
    add(
      entries.flatMap((e) => (isObj(e) ? pathsIn(e.env_file, 'path') : [])),
      'include env_file',
      node,
      top,
    );
  }
  if (isObj(model.services)) {
    const servicesNode = valueNode(root, 'services', doc);
    // Each service's node by name, found once (a lookup per service would be quadratic in their number).
    const nodes = new Map<string, Node>();
    if (isMap(servicesNode))
      for (const item of servicesNode.items)
        if (isScalar(item.key) && item.value) nodes.set(String(item.key.value), item.value as Node);
    for (const [name, def] of Object.entries(model.services)) {
      if (!isObj(def) || (def.extends === undefined && def.env_file === undefined)) continue;
      const node = nodes.get(name);
      const at = (key: string) => (isMap(node) ? valueNode(node, key, doc) : undefined);
      const range = pos.of(node, top);
      if (isObj(def.extends) && typeof def.extends.file === 'string')
        add([def.extends.file], 'extends.file', at('extends'), range);
      add(pathsIn(def.env_file, 'path'), 'env_file', at('env_file'), range);
    }
  }
  return out;
}

type Warn = (message: string, node: Node | Pair | null | undefined, fallback: SourceRange) => void;

/** The YAML document and its positions; undefined (with the errors in `diagnostics`) when it is not YAML. */
function parseYaml(
  file: string,
  text: string,
  diagnostics: ContextDiagnostic[],
): { doc: Document; pos: Positions } | undefined {
  // yaml guards its own recursion, but reaching that guard takes seconds on a 1 MiB file of brackets.
  if (tooManyLines(text) >= 0) {
    diagnostics.push(diagnostic(file, tooManyLinesMessage('This Compose file'), 'error', lineRange(0)));
    return undefined;
  }
  const depth = yamlDepth(text);
  if (depth.offset >= 0) {
    diagnostics.push(diagnostic(file, tooDeepMessage('This Compose file'), 'error', lineRange(0)));
    return undefined;
  }
  const lc = new LineCounter();
  let doc: Document;
  try {
    // logLevel 'error': problems are collected here, not printed as process warnings.
    doc = parseYamlDocument(text, { lineCounter: lc, merge: true, prettyErrors: false, logLevel: 'error' });
  } catch (err) {
    diagnostics.push(
      diagnostic(
        file,
        `This file cannot be read as YAML: ${(err as Error).message.split('\n')[0]}`,
        'error',
        lineRange(0),
      ),
    );
    return undefined;
  }
  if (doc.errors.length) {
    // Pointing at a line's content needs that line: only for the errors that are shown. One push
    // per item: spreading 100,000 errors into push() overflows the stack.
    yamlErrorDiagnostics(file, text, doc.errors, 'compose').forEach((d, i) =>
      diagnostics.push(i < LIMITS.maxDiagnosticsPerFile ? pointAtContent(d, doc.errors[i].code, text) : d),
    );
    return undefined;
  }
  return { doc, pos: new Positions(lc, text) };
}

/**
 * Interpolation, in place: values only (keys are never interpolated), each scalar once (aliases
 * share their anchor's node). Each distinct problem of a scalar is reported once, at that scalar.
 */
function interpolateValues(
  doc: Document,
  lookup: Lookup,
  report: (message: string, severity: 'error' | 'warning', node: Node) => void,
): void {
  // One budget for the file: a long value repeated in many places cannot make it grow without end.
  const budget = expansionBudget();
  let budgetReported = false;
  visit(doc, {
    Scalar(key, node) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('$')) return;
      const problems = new Map<string, 'error' | 'warning'>();
      node.value = interpolate(
        node.value,
        lookup,
        (p) => {
          if (p.kind === 'tooDeep' || p.kind === 'tooLong') {
            // The file-wide budget once per file; a value's own limit at that value.
            if (p.kind === 'tooLong' && p.limit === LIMITS.maxExpandedPerFile) {
              if (budgetReported) return;
              budgetReported = true;
            }
            problems.set(limitMessage(p), 'warning');
          } else if (p.kind === 'required')
            problems.set(
              `Required variable ${p.name} is not set in the environment or .env${p.message ? `: ${p.message}` : '.'}`,
              'warning',
            );
          else
            problems.set(
              'Invalid interpolation: a $ must start $NAME or ${NAME...}, or be doubled ($$) for a literal $.',
              'error',
            );
        },
        budget,
      );
      for (const [message, severity] of problems) report(message, severity, node);
    },
  });
}

/**
 * The services of a file's model, read next to their YAML nodes (for positions and `!reset` tags).
 * Without `services:` only a warning about the legacy top-level format, if the file looks like one.
 */
function readServices(doc: Document, model: Obj, pos: Positions, warn: Warn): ServiceLayer[] {
  const root = doc.contents as YAMLMap;
  const top = lineRange(0);
  if (model.services === undefined) {
    warnLegacyFormat(root, model, warn);
    return [];
  }
  const servicesNode = valueNode(root, 'services', doc);
  if (model.services === null) return [];
  if (!isObj(model.services)) {
    warn('`services` must be a mapping of service names to their definitions.', servicesNode, top);
    return [];
  }
  const serviceNodes = new Map<string, Pair>();
  let merged = false;
  if (isMap(servicesNode)) {
    for (const item of servicesNode.items) {
      if (!isScalar(item.key)) warn('A service name must be a plain string.', item.key as Node, top);
      else if (item.key.source === '<<') merged = true;
      else serviceNodes.set(String(item.key.value), item);
    }
  }
  const servicesRange = pos.of(servicesNode, top);
  const services: ServiceLayer[] = [];
  for (const [name, def] of Object.entries(model.services)) {
    const pair = serviceNodes.get(name);
    // A name that is no key of the mapping (nor merged in with <<) is a stringified collection key.
    if (!pair && !merged) continue;
    const keyRange = pos.of(pair?.key as Node | undefined, servicesRange);
    if (!isObj(def)) {
      warn(
        `Service "${name}" must be a mapping (image:, build:, ports:, …).`,
        (pair?.value ?? pair?.key) as Node | undefined,
        keyRange,
      );
      continue;
    }
    const node = isMap(pair?.value) ? pair.value : undefined;
    const at = (key: string) => (node ? valueNode(node, key, doc) : undefined);
    services.push(
      readService(name, def, at, keyRange, (message, n) => warn(`Service "${name}": ${message}`, n, keyRange)),
    );
  }
  return services;
}

/** The legacy (version 1) format put services at the top level; Compose v2 no longer reads it. */
function warnLegacyFormat(root: YAMLMap, model: Obj, warn: Warn): void {
  const legacy = root.items.find((item) => {
    const k = isScalar(item.key) ? String(item.key.value) : '';
    const v = model[k as keyof typeof model];
    return !TOP_LEVEL.has(k) && !k.startsWith('x-') && isObj(v) && ('image' in v || 'build' in v);
  });
  if (legacy)
    warn(
      'Services must be under a top-level `services:` key; ' +
        'Compose v2 does not read the legacy format with services at the top level.',
      legacy.key as Node,
      lineRange(0),
    );
}

type ServiceWarn = (message: string, node: Node | undefined) => void;

function readService(
  name: string,
  def: Obj,
  at: (key: string) => Node | undefined,
  keyRange: SourceRange,
  warn: ServiceWarn,
): ServiceLayer {
  const s: ServiceLayer = { name, line: keyRange.line, column: keyRange.column, extends: def.extends !== undefined };

  const scalar = (key: string): string | null | undefined => {
    const v = def[key];
    if (v === undefined) return undefined;
    if (mode(at(key)) === 'reset' || v === null) return null;
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    warn(`${key} must be a string.`, at(key));
    return undefined;
  };
  s.image = scalar('image');
  s.containerName = scalar('container_name');
  if (def.build !== undefined) readBuild(s, def.build, at('build'), warn);
  if (def.ports !== undefined) readPorts(s, def.ports, at('ports'), warn);

  const list = (key: string, names: (v: Json) => string[] | undefined, what: string) => {
    if (def[key] === undefined) return undefined;
    const node = at(key);
    const m = mode(node);
    if (m === 'reset' || def[key] === null) return { mode: 'reset' as const, values: [] };
    const values = names(def[key]);
    if (!values) {
      warn(`${key} must be ${what}.`, node);
      return undefined;
    }
    return { mode: m, values };
  };
  const strings = (v: Json) =>
    Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number') ? v.map(String) : undefined;
  s.profiles = list('profiles', strings, 'a list of profile names');
  s.dependsOn = list(
    'depends_on',
    (v) => (isObj(v) ? Object.keys(v) : strings(v)),
    'a list of service names or a mapping of service names to conditions',
  );
  return s;
}

/** `build:` as a context path or a mapping of context, dockerfile and target; sets s.build unless it is neither. */
function readBuild(s: ServiceLayer, b: Json, node: Node | undefined, warn: ServiceWarn): void {
  const m = mode(node);
  if (m === 'reset' || b === null) s.build = { mode: 'reset' };
  else if (typeof b === 'string') s.build = { mode: m, context: b };
  else if (isObj(b)) {
    const str = (k: string) => (typeof b[k] === 'string' ? b[k] : undefined);
    s.build = { mode: m, context: str('context'), dockerfile: str('dockerfile'), target: str('target') };
  } else warn('build must be a path (the build context) or a mapping with context:, dockerfile:, target:.', node);
}

/** `ports:`: each entry parsed (a bad one is a warning at its item); sets s.ports unless it is no list. */
function readPorts(s: ServiceLayer, ports: Json, node: Node | undefined, warn: ServiceWarn): void {
  const m = mode(node);
  if (m === 'reset' || ports === null) s.ports = { mode: 'reset', entries: [] };
  else if (!Array.isArray(ports)) warn('ports must be a list.', node);
  else {
    const items = isSeq(node) && node.items.length === ports.length ? (node.items as Node[]) : undefined;
    const entries: PortEntry[] = [];
    ports.forEach((raw, i) => {
      const port = parsePort(raw);
      if (typeof port === 'string') warn(`invalid port mapping: ${port}.`, items?.[i] ?? node);
      else entries.push({ port, key: portKey(raw) });
    });
    s.ports = { mode: m, entries };
  }
}

/**
 * A bad-indentation error points at the start of the line (the whitespace); the Problems panel is
 * clearer with the key that is out of line.
 */
function pointAtContent(d: ContextDiagnostic, code: string, text: string): ContextDiagnostic {
  if (code !== 'BAD_INDENT' && code !== 'BAD_DEDENT') return d;
  const lineStart = text.split('\n')[d.range.line] ?? '';
  const first = lineStart.search(/[^ ]/);
  if (first <= d.range.column || first < 0) return d;
  const end = lineStart.slice(first).search(/[:\s]|$/);
  return {
    ...d,
    range: { line: d.range.line, column: first, endLine: d.range.line, endColumn: first + Math.max(1, end) },
  };
}
