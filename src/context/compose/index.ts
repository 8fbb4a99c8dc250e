import { basename, posix, resolve } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { yamlErrorDiagnostics } from '../yamlErrors';
import type { ComposePort, ComposeProject, ComposeService, ContextDiagnostic, ReadText } from '../types';
import { findProjects } from './files';
import { interpolate, parseDotEnv } from './interpolate';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Parsed {
  file: string;
  model: Obj;
  /** 0-based line of each service's key in this file. */
  serviceLines: Map<string, number>;
}

/** The compose tool's project-name normalisation: lowercase, [a-z0-9_-], starting with a letter or digit. */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[^a-z0-9]+/, '');
}

function diag(file: string, message: string, severity: 'error' | 'warning', line: number, column: number, endLine = line, endColumn = column + 1): ContextDiagnostic {
  return { file, message, severity, source: 'compose', range: { line, column, endLine, endColumn } };
}

function nodeRange(node: Node | undefined, lc: LineCounter): { line: number; column: number; endLine: number; endColumn: number } {
  const [start, , end] = node?.range ?? [0, 0, 1];
  const a = lc.linePos(start);
  const b = lc.linePos(end);
  return { line: a.line - 1, column: a.col - 1, endLine: b.line - 1, endColumn: b.col - 1 };
}

/** Interpolates every string value (not keys), as compose does before reading the model. */
function interpolateAll(v: Json, sub: (s: string) => string): Json {
  if (typeof v === 'string') return sub(v);
  if (Array.isArray(v)) return v.map((x) => interpolateAll(x, sub));
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, interpolateAll(x, sub)]));
  return v;
}

function parseFile(file: string, text: string, sub: (s: string) => string, diagnostics: ContextDiagnostic[]): Parsed | undefined {
  const lc = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false });
  } catch (err) {
    diagnostics.push(diag(file, `Cannot parse this Compose file: ${(err as Error).message}`, 'error', 0, 0));
    return undefined;
  }
  if (doc.errors.length) {
    diagnostics.push(...yamlErrorDiagnostics(file, text, doc.errors, 'compose'));
    return undefined;
  }
  const raw = doc.toJS({ maxAliasCount: 1000 }) as Json;
  if (raw === null || raw === undefined) return { file, model: {}, serviceLines: new Map() };
  if (!isObj(raw)) {
    diagnostics.push(diag(file, 'A Compose file must be a mapping (top-level keys such as services:).', 'error', 0, 0));
    return undefined;
  }
  const serviceLines = new Map<string, number>();
  const servicesNode = doc.get('services', true) as Node | undefined;
  if (raw.services !== undefined && raw.services !== null && !isObj(raw.services)) {
    const r = nodeRange(servicesNode, lc);
    diagnostics.push(diag(file, '`services` must be a mapping of service names to definitions.', 'warning', r.line, r.column, r.endLine, r.endColumn));
    delete raw.services;
  } else if (isMap(servicesNode)) {
    for (const item of servicesNode.items) {
      const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
      serviceLines.set(key, nodeRange(item.key as Node, lc).line);
      if (item.value !== null && !isMap(item.value)) {
        const r = nodeRange(item.value as Node, lc);
        diagnostics.push(diag(file, `Service "${key}" must be a mapping.`, 'warning', r.line, r.column, r.endLine, r.endColumn));
        delete (raw.services as Obj)[key];
      }
    }
  }
  return { file, model: interpolateAll(raw, sub) as Obj, serviceLines };
}

/** depends_on as a list of names or a map of name → condition. */
function dependsOn(v: Json | undefined): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (isObj(v)) return Object.keys(v);
  return [];
}

/** Merges an override service into a base one, for the fields the model keeps. */
function mergeService(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (k === 'ports' || k === 'expose') out[k] = [...(Array.isArray(base[k]) ? base[k] as Json[] : []), ...(Array.isArray(v) ? v : [])];
    else if (k === 'depends_on') out[k] = [...new Set([...dependsOn(base[k]), ...dependsOn(v)])];
    else if (k === 'build') {
      const b = typeof base.build === 'string' ? { context: base.build } : isObj(base.build) ? base.build : {};
      const o = typeof v === 'string' ? { context: v } : isObj(v) ? v : {};
      out.build = { ...b, ...o };
    } else out[k] = v;
  }
  return out;
}

/** "127.0.0.1:8080:80/udp", "8000-8010:8000-8010", "80", 80, or the long form. */
export function parsePort(v: Json): ComposePort | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return { target: v, protocol: 'tcp' };
  if (isObj(v)) {
    const target = Number(v.target);
    if (!Number.isInteger(target)) return undefined;
    return {
      target, protocol: typeof v.protocol === 'string' ? v.protocol : 'tcp',
      published: v.published === undefined || v.published === null ? undefined : String(v.published),
      hostIp: typeof v.host_ip === 'string' ? v.host_ip : undefined,
    };
  }
  if (typeof v !== 'string') return undefined;
  let s = v.trim();
  let protocol = 'tcp';
  const slash = s.lastIndexOf('/');
  if (slash >= 0) { protocol = s.slice(slash + 1); s = s.slice(0, slash); }
  let hostIp: string | undefined;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) return undefined;
    hostIp = s.slice(1, end);
    s = s.slice(end + 2);
  }
  const parts = s.split(':');
  if (parts.length === 3 && hostIp === undefined) hostIp = parts.shift();
  if (parts.length > 2) return undefined;
  const [published, container] = parts.length === 2 ? parts : [undefined, parts[0]];
  const target = Number(container.split('-')[0]);
  if (!Number.isInteger(target) || target <= 0 || (published !== undefined && published !== '' && !/^\d+(-\d+)?$/.test(published))) return undefined;
  return { target, protocol, published: published || undefined, hostIp: hostIp || undefined };
}

async function detectProject(
  folder: string, dir: string, relFiles: string[], podman: boolean, read: ReadText, env: NodeJS.ProcessEnv, diagnostics: ContextDiagnostic[],
): Promise<ComposeProject | undefined> {
  const projectDir = resolve(folder, dir);
  const dotenvText = await read(resolve(projectDir, '.env'));
  const dotenv = dotenvText ? parseDotEnv(dotenvText) : new Map<string, string>();
  const lookup = (name: string) => env[name] ?? dotenv.get(name);
  const files = relFiles.map((f) => resolve(folder, f));
  const parsed: Parsed[] = [];
  for (const file of files) {
    const text = await read(file);
    if (text === undefined) continue;
    const missing: string[] = [];
    const p = parseFile(file, text, (s) => interpolate(s, lookup, (name) => missing.push(name)), diagnostics);
    for (const name of new Set(missing)) diagnostics.push(diag(file, `Required variable ${name} is not set (in the environment or ${dir ? `${dir}/` : ''}.env).`, 'warning', 0, 0));
    if (p) parsed.push(p);
  }
  if (!parsed.length) return undefined;

  const services = new Map<string, { def: Obj; file: string; line: number }>();
  let topName: string | undefined;
  for (const p of parsed) {
    if (typeof p.model.name === 'string' && p.model.name) topName = p.model.name;
    for (const [name, def] of Object.entries(isObj(p.model.services) ? p.model.services : {})) {
      const d = isObj(def) ? def : {};
      const prev = services.get(name);
      if (prev) prev.def = mergeService(prev.def, d);
      else services.set(name, { def: d, file: p.file, line: p.serviceLines.get(name) ?? 0 });
    }
  }
  const name = normalizeProjectName(lookup('COMPOSE_PROJECT_NAME') || topName || basename(projectDir));
  const out: ComposeService[] = [];
  for (const [svcName, { def, file, line }] of services) {
    const ports: ComposePort[] = [];
    for (const raw of Array.isArray(def.ports) ? def.ports : []) {
      const port = parsePort(raw);
      if (port) ports.push(port);
      else diagnostics.push(diag(file, `Service "${svcName}": "${typeof raw === 'string' ? raw : JSON.stringify(raw)}" is not a valid port mapping.`, 'warning', line, 0));
    }
    const b = typeof def.build === 'string' ? { context: def.build } : isObj(def.build) ? def.build : undefined;
    out.push({
      name: svcName,
      image: typeof def.image === 'string' ? def.image : undefined,
      build: b ? {
        context: resolve(projectDir, typeof b.context === 'string' ? b.context : '.'),
        dockerfile: typeof b.dockerfile === 'string' ? b.dockerfile : undefined,
        target: typeof b.target === 'string' ? b.target : undefined,
      } : undefined,
      containerName: typeof def.container_name === 'string' ? def.container_name : undefined,
      ports,
      profiles: Array.isArray(def.profiles) ? def.profiles.filter((x): x is string => typeof x === 'string') : [],
      dependsOn: dependsOn(def.depends_on),
      file,
      line,
    });
  }
  return { name, workingDir: projectDir, files: parsed.map((p) => p.file), services: out, podmanLeaning: podman };
}

/**
 * Compose projects in a folder's listing (relative POSIX paths): each directory with a compose file
 * is a project; COMPOSE_FILE (environment or the folder's .env) replaces the lookup at the root.
 */
export async function detectCompose(folder: string, files: string[], read: ReadText, env: NodeJS.ProcessEnv)
  : Promise<{ projects: ComposeProject[]; diagnostics: ContextDiagnostic[] }> {
  const diagnostics: ContextDiagnostic[] = [];
  let found = findProjects(files);
  const rootEnvText = files.includes('.env') ? await read(resolve(folder, '.env')) : undefined;
  const rootEnv = rootEnvText ? parseDotEnv(rootEnvText) : new Map<string, string>();
  const composeFile = env.COMPOSE_FILE ?? rootEnv.get('COMPOSE_FILE');
  if (composeFile) {
    const sep = env.COMPOSE_PATH_SEPARATOR ?? rootEnv.get('COMPOSE_PATH_SEPARATOR') ?? (process.platform === 'win32' ? ';' : ':');
    const listed = composeFile.split(sep).map((f) => f.trim()).filter(Boolean).map((f) => posix.normalize(f.replace(/\\/g, '/')));
    found = [{ dir: '', files: listed, podman: false }, ...found.filter((p) => p.dir !== '' && !listed.includes(p.files[0]))];
  }
  const projects: ComposeProject[] = [];
  for (const p of found) {
    const project = await detectProject(folder, p.dir, p.files, p.podman, read, env, diagnostics);
    if (project) projects.push(project);
  }
  return { projects, diagnostics };
}
