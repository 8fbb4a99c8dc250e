/**
 * Compose projects of a workspace folder, read the way `docker compose` reads them: file lookup per
 * directory (one override), COMPOSE_FILE, the project name, variables from the environment and
 * `.env`, and the override merge. Plain Node: no `vscode` import.
 */
import { basename, dirname, resolve } from 'node:path';
import type { ComposeProject, ComposeService, ContextDiagnostic, ReadText } from '../types';
import { findProjects, type ProjectFiles } from './files';
import { parseDotEnv, type DotEnv, type Lookup } from './interpolate';
import { diagnostic, lineRange, parseComposeFile, type FileLayer, type PortEntry, type ServiceLayer } from './parse';

export { parsePort } from './ports';

/** Compose's project-name normalisation: lowercase, only [a-z0-9_-], starting with a letter or digit. */
export function normalizeProjectName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '')
    .replace(/^[_-]+/, '');
}

const EMPTY_ENV: DotEnv = { values: new Map(), lines: new Map() };

interface EnvSource {
  lookup: Lookup;
  dotenv: DotEnv;
  /** Absolute path of the .env file these values come from. */
  dotenvPath: string;
}

async function loadEnv(dir: string, read: ReadText, env: NodeJS.ProcessEnv): Promise<EnvSource> {
  const dotenvPath = resolve(dir, '.env');
  const outer: Lookup = (name) => env[name];
  const text = await read(dotenvPath);
  const dotenv = text === undefined ? EMPTY_ENV : parseDotEnv(text, outer);
  return { lookup: (name) => env[name] ?? dotenv.values.get(name), dotenv, dotenvPath };
}

interface Draft {
  name: string;
  file: string;
  line: number;
  column: number;
  image?: string;
  containerName?: string;
  build?: { context?: string; dockerfile?: string; target?: string };
  ports: PortEntry[];
  profiles: string[];
  dependsOn: string[];
  extends: boolean;
}

const union = (a: string[], b: string[]) => [...new Set([...a, ...b])];

/** Applies one file's service onto what the earlier files said, as Compose merges overrides. */
function apply(d: Draft, s: ServiceLayer): void {
  if (s.image !== undefined) d.image = s.image ?? undefined;
  if (s.containerName !== undefined) d.containerName = s.containerName ?? undefined;
  if (s.build) {
    const { mode, ...fields } = s.build;
    const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    d.build = mode === 'reset' ? undefined : mode === 'override' ? defined : { ...d.build, ...defined };
  }
  if (s.ports) {
    // Appended, then one entry per key: a later entry with the same key replaces the earlier one in place.
    const all = s.ports.mode === 'merge' ? [...d.ports, ...s.ports.entries] : s.ports.entries;
    const byKey = new Map<string, number>();
    d.ports = [];
    for (const e of all) {
      const at = byKey.get(e.key);
      if (at === undefined) {
        byKey.set(e.key, d.ports.length);
        d.ports.push(e);
      } else d.ports[at] = e;
    }
  }
  if (s.profiles) d.profiles = s.profiles.mode === 'merge' ? union(d.profiles, s.profiles.values) : s.profiles.values;
  if (s.dependsOn)
    d.dependsOn = s.dependsOn.mode === 'merge' ? union(d.dependsOn, s.dependsOn.values) : s.dependsOn.values;
  d.extends ||= s.extends;
}

/** A build context that is a Git or HTTP(S) URL stays as written; a path is resolved against the project directory. */
function buildContext(context: string | undefined, workingDir: string): string {
  if (context && (/^[a-z][a-z0-9+.-]*:\/\//i.test(context) || /^git@/.test(context) || /^github\.com\//.test(context)))
    return context;
  return resolve(workingDir, context || '.');
}

interface Plan {
  workingDir: string;
  files: string[];
  podman: boolean;
  env: EnvSource;
}

async function detectProject(
  plan: Plan,
  read: ReadText,
  diagnostics: ContextDiagnostic[],
): Promise<ComposeProject | undefined> {
  const layers = await readLayers(plan, read, diagnostics);
  if (!layers.length) return undefined;
  const { drafts, topName } = mergeLayers(layers);
  const services = [...drafts.values()].map((d) => toService(d, plan.workingDir, diagnostics));
  return {
    name: projectName(plan, topName, diagnostics),
    workingDir: plan.workingDir,
    files: layers.map((l) => l.file),
    services,
    podmanLeaning: plan.podman,
  };
}

/** The project's files that can be read and parsed, in order. */
async function readLayers(plan: Plan, read: ReadText, diagnostics: ContextDiagnostic[]): Promise<FileLayer[]> {
  const layers: FileLayer[] = [];
  for (const file of plan.files) {
    const text = await read(file);
    if (text === undefined) continue;
    let layer: FileLayer | undefined;
    try {
      layer = parseComposeFile(file, text, plan.env.lookup, diagnostics);
    } catch {
      // A bug of ours on this input, not a problem in the user's file: the file counts for nothing.
      layer = undefined;
    }
    if (layer) layers.push(layer);
  }
  return layers;
}

/** Each service merged across the files (in the order first seen), and the last top-level `name:`. */
function mergeLayers(layers: FileLayer[]): { drafts: Map<string, Draft>; topName: string | undefined } {
  const drafts = new Map<string, Draft>();
  let topName: string | undefined;
  for (const layer of layers) {
    if (layer.name !== undefined) topName = layer.name;
    for (const s of layer.services) {
      let d = drafts.get(s.name);
      if (!d) {
        d = {
          name: s.name,
          file: layer.file,
          line: s.line,
          column: s.column,
          ports: [],
          profiles: [],
          dependsOn: [],
          extends: false,
        };
        drafts.set(s.name, d);
      }
      apply(d, s);
    }
  }
  return { drafts, topName };
}

/** A merged service as the model keeps it; one that Compose would refuse to run gets a warning. */
function toService(d: Draft, workingDir: string, diagnostics: ContextDiagnostic[]): ComposeService {
  if (d.image === undefined && d.build === undefined && !d.extends) {
    diagnostics.push(
      diagnostic(
        d.file,
        `Service "${d.name}" has neither an image nor a build context; Compose refuses to run it.`,
        'warning',
        lineRange(d.line, d.column, d.name.length),
      ),
    );
  }
  return {
    name: d.name,
    image: d.image,
    build: d.build
      ? {
          context: buildContext(d.build.context, workingDir),
          dockerfile: d.build.dockerfile,
          target: d.build.target,
        }
      : undefined,
    containerName: d.containerName,
    ports: d.ports.map((e) => e.port),
    profiles: d.profiles,
    dependsOn: d.dependsOn,
    file: d.file,
    line: d.line,
  };
}

/** COMPOSE_PROJECT_NAME (environment, then .env) > the last top-level `name:` > the directory's name. */
function projectName(plan: Plan, topName: string | undefined, diagnostics: ContextDiagnostic[]): string {
  const { env } = plan;
  const fromEnv = env.lookup('COMPOSE_PROJECT_NAME');
  if (fromEnv) {
    const name = normalizeProjectName(fromEnv);
    const line = env.dotenv.lines.get('COMPOSE_PROJECT_NAME');
    if (name !== fromEnv && line !== undefined && env.dotenv.values.get('COMPOSE_PROJECT_NAME') === fromEnv) {
      diagnostics.push(
        diagnostic(
          env.dotenvPath,
          'COMPOSE_PROJECT_NAME may contain only lowercase letters, digits, "-" and "_", ' +
            'and must start with a letter or digit; Compose v2 refuses this name.',
          'warning',
          lineRange(line, 0, 'COMPOSE_PROJECT_NAME'.length),
        ),
      );
    }
    if (name) return name;
  }
  const fromFile = topName === undefined ? '' : normalizeProjectName(topName);
  return fromFile || normalizeProjectName(basename(plan.workingDir));
}

/**
 * Compose projects in a folder's listing (relative POSIX paths): every directory holding a Compose
 * file is a project; COMPOSE_FILE (from `env`, else the folder's `.env`) replaces the lookup for
 * the folder itself. Never throws for a problem in the user's files: those become diagnostics.
 */
export async function detectCompose(
  folder: string,
  files: string[],
  readText: ReadText,
  env: NodeJS.ProcessEnv,
): Promise<{ projects: ComposeProject[]; diagnostics: ContextDiagnostic[] }> {
  const diagnostics: ContextDiagnostic[] = [];
  // Each file once per detection (COMPOSE_FILE entries are checked, then parsed).
  const cache = new Map<string, Promise<string | undefined>>();
  const read: ReadText = (p) => cache.get(p) ?? (cache.set(p, readText(p)), cache.get(p)!);
  const { projects: found, rootDotEnv } = findProjects(files);
  // The folder's .env matters to its projects and may set COMPOSE_FILE; otherwise it is not read.
  if (!found.length && !rootDotEnv && !env.COMPOSE_FILE) return { projects: [], diagnostics };
  const rootEnv = await loadEnv(folder, read, env);
  const envFor = async (p: ProjectFiles) => (p.dir === '' ? rootEnv : loadEnv(resolve(folder, p.dir), read, env));
  const plans: Plan[] = [];

  const fromComposeFile = await composeFilePlan(folder, rootEnv, env, read, diagnostics);
  const listed = fromComposeFile?.listed;
  if (fromComposeFile?.plan) plans.push(fromComposeFile.plan);

  for (const p of found) {
    const abs = p.files.map((f) => resolve(folder, f));
    if (listed && (p.dir === '' || abs.some((f) => listed.has(f)))) continue;
    warnIgnoredFiles(folder, p, diagnostics);
    plans.push({ workingDir: resolve(folder, p.dir), files: abs, podman: p.podman, env: await envFor(p) });
  }

  const projects: ComposeProject[] = [];
  for (const plan of plans) {
    const project = await detectProject(plan, read, diagnostics);
    if (project) projects.push(project);
  }
  return { projects, diagnostics };
}

/**
 * The project COMPOSE_FILE names (when every file it lists can be read) and the files it lists,
 * which no directory lookup then claims; undefined without COMPOSE_FILE.
 */
async function composeFilePlan(
  folder: string,
  rootEnv: EnvSource,
  env: NodeJS.ProcessEnv,
  read: ReadText,
  diagnostics: ContextDiagnostic[],
): Promise<{ plan?: Plan; listed: Set<string> } | undefined> {
  const composeFile = rootEnv.lookup('COMPOSE_FILE');
  if (!composeFile) return undefined;
  const sep = rootEnv.lookup('COMPOSE_PATH_SEPARATOR') || (process.platform === 'win32' ? ';' : ':');
  const paths = composeFile
    .split(sep)
    .map((f) => f.trim())
    .filter(Boolean)
    .map((f) => resolve(folder, f));
  const readable: string[] = [];
  for (const [i, p] of paths.entries()) {
    if ((await read(p)) !== undefined) readable.push(p);
    else if (env.COMPOSE_FILE === undefined) {
      // Pointed out in the .env file the setting comes from; by position, not by the path it holds.
      const line = rootEnv.dotenv.lines.get('COMPOSE_FILE') ?? 0;
      diagnostics.push(
        diagnostic(
          rootEnv.dotenvPath,
          `COMPOSE_FILE lists a file that cannot be read (entry ${i + 1} of ${paths.length}); ` +
            'Compose will not start this project.',
          'warning',
          lineRange(line, 0, 'COMPOSE_FILE'.length),
        ),
      );
    }
  }
  const listed = new Set(paths);
  if (readable.length !== paths.length || !paths.length) return { listed };
  const plan: Plan = {
    workingDir: dirname(paths[0]),
    files: paths,
    podman: /^podman-compose\./.test(basename(paths[0])),
    env: rootEnv,
  };
  return { plan, listed };
}

/** A warning on each Compose file of a directory that the lookup passes over for another. */
function warnIgnoredFiles(folder: string, p: ProjectFiles, diagnostics: ContextDiagnostic[]): void {
  for (const { file, used, kind } of p.ignored) {
    diagnostics.push(
      diagnostic(
        resolve(folder, file),
        kind === 'base'
          ? `Compose reads ${used} in this folder; this file is ignored.`
          : `Compose reads one override file, ${used}; this one is ignored (Compose v1 refuses to run with both).`,
        'warning',
        lineRange(0),
      ),
    );
  }
}
