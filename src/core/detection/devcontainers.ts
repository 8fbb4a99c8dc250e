import { basename, dirname, resolve } from 'node:path';
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { jsonDepth, LIMITS, positionsOf, tooDeepMessage } from './limits';
import { internalErrorDiagnostic, notReadDiagnostic, overBudgetDiagnostic, pooled, worthReporting } from './reads';
import type {
  ContextDiagnostic,
  DevcontainerConfig,
  DevcontainerFeature,
  DevcontainerMountEntry,
  HostRequirements,
  LifecycleCommand,
  ReadText,
  SourceRange,
} from './types';

/** A file a config names (a Compose file, a Dockerfile), and where it names it. */
export interface ConfigReference {
  path: string;
  /** As written in the config. */
  written: string;
  property: string;
  range: SourceRange;
}

/**
 * Where dev-container configs live, in the order the Dev Containers tooling offers them:
 * `.devcontainer/devcontainer.json`, `.devcontainer.json`, then `.devcontainer/<name>/devcontainer.json`
 * (one level only), by name.
 */
function configRank(rel: string): number {
  if (rel === '.devcontainer/devcontainer.json') return 0;
  if (rel === '.devcontainer.json') return 1;
  return rel.startsWith('.devcontainer/') && rel.endsWith('/devcontainer.json') && rel.split('/').length === 3 ? 2 : -1;
}

const SYNTAX_MESSAGES: Record<string, string> = {
  InvalidSymbol: 'Invalid symbol',
  InvalidNumberFormat: 'Invalid number',
  PropertyNameExpected: 'Property name expected',
  ValueExpected: 'Value expected',
  ColonExpected: 'Colon expected',
  CommaExpected: 'Comma expected',
  CloseBraceExpected: 'Closing brace "}" expected',
  CloseBracketExpected: 'Closing bracket "]" expected',
  EndOfFileExpected: 'End of file expected',
  InvalidCommentToken: 'Invalid comment',
  UnexpectedEndOfComment: 'Unterminated comment',
  UnexpectedEndOfString: 'Unterminated string',
  UnexpectedEndOfNumber: 'Unexpected end of number',
  InvalidUnicode: 'Invalid unicode escape',
  InvalidEscapeCharacter: 'Invalid escape character in string',
  InvalidCharacter: 'Invalid character in string',
};

/** Sets an own property; a key named "__proto__" stays a plain property and never sets the prototype. */
function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The last property named `key` (JSON.parse and the Dev Containers CLI keep the last duplicate). */
function property(obj: JsonNode | undefined, key: string): { key: JsonNode; value?: JsonNode } | undefined {
  if (obj?.type !== 'object') return undefined;
  let found: { key: JsonNode; value?: JsonNode } | undefined;
  for (const p of obj.children ?? []) {
    const k = p.children?.[0];
    if (k?.type === 'string' && k.value === key) found = { key: k, value: p.children?.[1] };
  }
  return found;
}

/** A node's value; properties without a value (where the parser recovered) are left out. */
function valueOf(node: JsonNode | undefined): unknown {
  if (!node) return undefined;
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const p of node.children ?? []) {
        const [k, v] = p.children ?? [];
        if (k?.type === 'string' && v) setOwn(out, k.value as string, valueOf(v));
      }
      return out;
    }
    case 'array':
      return (node.children ?? []).map(valueOf);
    default:
      return node.value;
  }
}

type Report = (node: JsonNode, message: string, severity?: 'error' | 'warning') => void;

/** Property readers that check types: a wrong type is a warning at the value, and reads as absent. */
function reader(report: Report) {
  const scalarText = (v: JsonNode) =>
    v.type === 'string'
      ? (v.value as string)
      : v.type === 'number' || v.type === 'boolean'
        ? String(v.value)
        : undefined;
  return {
    report,
    node: (obj: JsonNode | undefined, key: string) => property(obj, key),
    string(obj: JsonNode | undefined, key: string): string | undefined {
      const p = property(obj, key);
      if (!p?.value) return undefined;
      if (p.value.type === 'string') return p.value.value as string;
      report(p.value, `"${key}" should be a string.`, 'warning');
      return undefined;
    },
    object(obj: JsonNode | undefined, key: string): JsonNode | undefined {
      const p = property(obj, key);
      if (!p?.value) return undefined;
      if (p.value.type === 'object') return p.value;
      report(p.value, `"${key}" should be an object.`, 'warning');
      return undefined;
    },
    stringArray(obj: JsonNode | undefined, key: string): string[] | undefined {
      const p = property(obj, key);
      if (!p?.value) return undefined;
      if (p.value.type !== 'array') {
        report(p.value, `"${key}" should be an array of strings.`, 'warning');
        return undefined;
      }
      const out: string[] = [];
      for (const e of p.value.children ?? []) {
        if (e.type === 'string') out.push(e.value as string);
        else report(e, `"${key}" should only hold strings.`, 'warning');
      }
      return out;
    },
    boolean(obj: JsonNode | undefined, key: string): boolean | undefined {
      const p = property(obj, key);
      if (!p?.value) return undefined;
      if (p.value.type === 'boolean') return p.value.value as boolean;
      report(p.value, `"${key}" should be true or false.`, 'warning');
      return undefined;
    },
    /** A string that must be one of `allowed`; anything else is a warning naming the allowed values. */
    oneOf<T extends string>(obj: JsonNode | undefined, key: string, allowed: readonly T[]): T | undefined {
      const p = property(obj, key);
      if (!p?.value) return undefined;
      if (p.value.type === 'string' && (allowed as readonly string[]).includes(p.value.value as string))
        return p.value.value as T;
      report(p.value, `"${key}" should be one of ${allowed.map((a) => `"${a}"`).join(', ')}.`, 'warning');
      return undefined;
    },
    /** An object of strings; numbers and booleans are taken as their text (the CLI passes them on so). */
    stringMap(obj: JsonNode | undefined, key: string): Record<string, string> {
      const out: Record<string, string> = {};
      const p = property(obj, key);
      if (!p?.value) return out;
      if (p.value.type !== 'object') {
        report(p.value, `"${key}" should be an object of strings.`, 'warning');
        return out;
      }
      for (const prop of p.value.children ?? []) {
        const [k, v] = prop.children ?? [];
        if (k?.type !== 'string' || !v) continue;
        const s = scalarText(v);
        if (s === undefined) report(v, `"${key}" values should be strings.`, 'warning');
        else setOwn(out, k.value as string, s);
      }
      return out;
    },
  };
}

const PORT_STRING = /^[^\s:]+:(\d{1,5})$/;
const validPortNumber = (n: number) => Number.isInteger(n) && n >= 0 && n <= 65535;

/** One devcontainer.json: the config (undefined when it names nothing to run) and its problems. */
export function parseDevcontainer(
  path: string,
  source: string,
  folder: string,
): { config?: DevcontainerConfig; diagnostics: ContextDiagnostic[]; references?: ConfigReference[] } {
  const depth = jsonDepth(source);
  if (depth.offset >= 0) {
    const p = positionsOf(source)(depth.offset);
    return {
      diagnostics: [
        {
          file: path,
          message: tooDeepMessage(basename(path), LIMITS.maxDepth),
          severity: 'error',
          source: 'devcontainer',
          range: { line: p.line, column: p.column, endLine: p.line, endColumn: p.column + 1 },
        },
      ],
    };
  }
  const { root, diagnostics, syntaxErrors, at, report, rangeOf } = parseJsonc(path, source);
  if (root?.type !== 'object') {
    if (root) report(root, 'devcontainer.json should hold a JSON object.', 'error');
    return { diagnostics };
  }

  const r = reader(report);
  const dir = dirname(path);
  const image = r.string(root, 'image');
  const build = r.object(root, 'build');
  const dockerfile = r.string(build, 'dockerfile') ?? r.string(root, 'dockerFile');
  const composeProp = r.node(root, 'dockerComposeFile');
  const composeFiles = composeFileNames(composeProp?.value, report);
  const kind = configKind(composeFiles, dockerfile, image);
  if (kind === undefined) {
    if (!syntaxErrors)
      at(root.offset, 1, 'A dev container needs "image", "build.dockerfile" or "dockerComposeFile".', 'error');
    return { diagnostics };
  }

  const compose =
    kind === 'compose' ? { key: composeProp!.key, files: composeFiles.map((f) => resolve(dir, f)) } : undefined;
  const layout = workspaceLayout(r, root, folder, compose);
  const forwardPorts = forwardPortsOf(r.node(root, 'forwardPorts')?.value, report);
  const postCreateCommand = lifecycleCommandOf(r.node(root, 'postCreateCommand')?.value, 'postCreateCommand', report);
  const config: DevcontainerConfig = {
    path,
    name: r.string(root, 'name'),
    kind,
    image,
    build: kind === 'build' ? buildOf(r, root, build, resolve(dir, dockerfile!), dir) : undefined,
    compose: layout.compose,
    workspaceFolder: layout.workspaceFolder,
    workspaceMount: layout.workspaceMount,
    forwardPorts,
    containerEnv: r.stringMap(root, 'containerEnv'),
    remoteUser: r.string(root, 'remoteUser'),
    postCreateCommand,
  };
  // Only when set: a config without it keeps the shape it always had.
  const containerUser = r.string(root, 'containerUser');
  if (containerUser !== undefined) config.containerUser = containerUser;
  Object.assign(config, optionalProperties(r, root, kind, rangeOf));
  reportUnknownProperties(root, kind, report);
  diagnostics.sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
  return { config, diagnostics, references: referencesOf(root, dir, rangeOf) };
}

/** The Compose files and the Dockerfile a config names, for the caller to check they can be read. */
function referencesOf(root: JsonNode, dir: string, rangeOf: (n: JsonNode) => SourceRange): ConfigReference[] {
  const out: ConfigReference[] = [];
  const add = (node: JsonNode | undefined, property: string) => {
    if (node?.type === 'string' && typeof node.value === 'string' && node.value)
      out.push({ path: resolve(dir, node.value), written: node.value, property, range: rangeOf(node) });
  };
  const compose = property(root, 'dockerComposeFile')?.value;
  if (compose?.type === 'array') for (const e of compose.children ?? []) add(e, 'dockerComposeFile');
  else add(compose, 'dockerComposeFile');
  const build = property(root, 'build')?.value;
  add(property(build, 'dockerfile')?.value ?? property(root, 'dockerFile')?.value, 'build.dockerfile');
  return out;
}

type At = (offset: number, length: number, message: string, severity: 'error' | 'warning') => void;

/**
 * A JSONC file's tree, its syntax errors as diagnostics (one per line), `at` to add a problem at an
 * offset and `report` for problems of shape, which count only when there was no syntax error.
 */
function parseJsonc(
  path: string,
  source: string,
): {
  root?: JsonNode;
  diagnostics: ContextDiagnostic[];
  syntaxErrors: boolean;
  at: At;
  report: Report;
  rangeOf: (n: JsonNode) => SourceRange;
} {
  // A byte-order mark is not content (editors do not show it, so columns are counted without it).
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const diagnostics: ContextDiagnostic[] = [];
  const pos = positionsOf(text);
  const at: At = (offset, length, message, severity) => {
    const a = pos(offset);
    const b = pos(offset + Math.max(length, 1));
    diagnostics.push({
      file: path,
      message,
      severity,
      source: 'devcontainer',
      range: { line: a.line, column: a.column, endLine: b.line, endColumn: b.column },
    });
  };
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  // One syntax error per line: a missing comma or bracket makes the parser report follow-on errors
  // at the same place, which say nothing new.
  const errorLines = new Set<number>();
  for (const e of errors) {
    const line = pos(e.offset).line;
    if (errorLines.has(line)) continue;
    errorLines.add(line);
    const code = printParseErrorCode(e.error);
    at(e.offset, e.length, `JSON syntax error: ${SYNTAX_MESSAGES[code] ?? code}.`, 'error');
  }
  // With syntax errors, the tree is what the parser recovered: what it holds is still used, but
  // judging its shape (types, missing properties) would blame the user for the parser's guesses.
  const report: Report = (node, message, severity = 'warning') => {
    if (!errors.length) at(node.offset, node.length, message, severity);
  };
  const rangeOf = (n: JsonNode): SourceRange => {
    const a = pos(n.offset);
    const b = pos(n.offset + Math.max(n.length, 1));
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  };
  return { root, diagnostics, syntaxErrors: errors.length > 0, at, report, rangeOf };
}

/** `dockerComposeFile`: one file name or an array of them, as written (relative to the config). */
function composeFileNames(value: JsonNode | undefined, report: Report): string[] {
  const files: string[] = [];
  if (value?.type === 'string') files.push(value.value as string);
  else if (value?.type === 'array') {
    for (const e of value.children ?? []) {
      if (e.type === 'string') files.push(e.value as string);
      else report(e, '"dockerComposeFile" should only hold file names.', 'warning');
    }
    if (!value.children?.length) report(value, '"dockerComposeFile" names no Compose file.', 'warning');
  } else if (value) report(value, '"dockerComposeFile" should be a file name or an array of file names.', 'warning');
  return files;
}

/** Which kind of dev container a config describes; undefined when it names nothing to run. */
function configKind(
  composeFiles: string[],
  dockerfile: string | undefined,
  image: string | undefined,
): DevcontainerConfig['kind'] | undefined {
  if (composeFiles.length) return 'compose';
  if (dockerfile !== undefined) return 'build';
  if (image !== undefined) return 'image';
  return undefined;
}

/**
 * Where the code goes in the container, and for a Compose config (`compose`: its resolved files, and
 * the property to report what it lacks at) the files, service and runServices.
 */
function workspaceLayout(
  r: ReturnType<typeof reader>,
  root: JsonNode,
  folder: string,
  compose: { key: JsonNode; files: string[] } | undefined,
): Pick<DevcontainerConfig, 'compose' | 'workspaceFolder' | 'workspaceMount'> {
  const folderName = basename(folder);
  const workspaceFolderSet = r.string(root, 'workspaceFolder');
  const workspaceMountSet = r.string(root, 'workspaceMount');
  if (compose) {
    const service = r.string(root, 'service');
    if (service === undefined) r.report(compose.key, 'A Compose dev container needs "service".', 'error');
    // The schema requires it; without it the Dev Containers CLI opens "/".
    if (workspaceFolderSet === undefined)
      r.report(compose.key, 'A Compose dev container needs "workspaceFolder".', 'error');
    return {
      compose: {
        files: compose.files,
        service: service ?? '',
        runServices: r.stringArray(root, 'runServices'),
      },
      workspaceFolder: workspaceFolderSet ?? '/',
      // Compose mounts the code itself; no mount is added for it.
      workspaceMount: workspaceMountSet ?? '',
    };
  }
  return {
    compose: undefined,
    workspaceFolder: workspaceFolderSet ?? `/workspaces/${folderName}`,
    workspaceMount:
      workspaceMountSet ?? `source=${folder},target=/workspaces/${folderName},type=bind,consistency=cached`,
  };
}

/** `forwardPorts`: port numbers and "host:port" strings; anything else is a warning and left out. */
function forwardPortsOf(value: JsonNode | undefined, report: Report): (number | string)[] {
  const forwardPorts: (number | string)[] = [];
  if (value && value.type !== 'array') {
    report(value, '"forwardPorts" should be an array of ports.', 'warning');
    return forwardPorts;
  }
  for (const e of value?.children ?? []) {
    if (e.type === 'number' && validPortNumber(e.value as number)) forwardPorts.push(e.value as number);
    else if (
      e.type === 'string' &&
      PORT_STRING.test(e.value as string) &&
      validPortNumber(Number(PORT_STRING.exec(e.value as string)![1]))
    ) {
      forwardPorts.push(e.value as string);
    } else report(e, 'A forwarded port is a port number (0-65535) or a "host:port" string.', 'warning');
  }
  return forwardPorts;
}

/** A lifecycle command (`key` names it): a string, an argument array, or an object of named ones of those. */
function lifecycleCommandOf(value: JsonNode | undefined, key: string, report: Report): LifecycleCommand | undefined {
  if (!value) return undefined;
  const v = valueOf(value);
  const isCommand = (c: unknown) =>
    typeof c === 'string' || (Array.isArray(c) && c.every((x) => typeof x === 'string'));
  if (isCommand(v) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(isCommand)))
    return v as LifecycleCommand;
  report(
    value,
    `"${key}" should be a command string, an array of arguments, or an object of named commands.`,
    'warning',
  );
  return undefined;
}

/** A Dockerfile config's build: the file, its context, target and args. */
function buildOf(
  r: ReturnType<typeof reader>,
  root: JsonNode,
  build: JsonNode | undefined,
  dockerfile: string,
  dir: string,
): DevcontainerConfig['build'] {
  return {
    dockerfile,
    // build.context, or the top-level context that goes with the legacy top-level dockerFile.
    context: resolve(
      dir,
      (build ? r.string(build, 'context') : undefined) ??
        (property(root, 'dockerFile') ? r.string(root, 'context') : undefined) ??
        '.',
    ),
    target: r.string(build, 'target'),
    args: r.stringMap(build, 'args'),
    ...buildExtras(r, build),
  };
}

/** build.options (extra build CLI flags) and build.cacheFrom (one image or several), only when set. */
function buildExtras(
  r: ReturnType<typeof reader>,
  build: JsonNode | undefined,
): Pick<NonNullable<DevcontainerConfig['build']>, 'options' | 'cacheFrom'> {
  const out: Pick<NonNullable<DevcontainerConfig['build']>, 'options' | 'cacheFrom'> = {};
  const options = r.stringArray(build, 'options');
  if (options !== undefined) out.options = options;
  const cacheFrom = property(build, 'cacheFrom')?.value;
  if (cacheFrom?.type === 'string') out.cacheFrom = [cacheFrom.value as string];
  else if (cacheFrom) {
    const list = r.stringArray(build, 'cacheFrom');
    if (list !== undefined) out.cacheFrom = list;
  }
  return out;
}

const HOOK_KEYS = [
  'initializeCommand',
  'onCreateCommand',
  'updateContentCommand',
  'postStartCommand',
  'postAttachCommand',
] as const;
const WAIT_FOR = [
  'initializeCommand',
  'onCreateCommand',
  'updateContentCommand',
  'postCreateCommand',
  'postStartCommand',
] as const;
const USER_ENV_PROBES = ['none', 'loginShell', 'loginInteractiveShell', 'interactiveShell'] as const;

/**
 * The properties added with Features and every lifecycle hook: each only when the file sets it (and
 * its value has the right type), so a config without them keeps the shape it always had.
 */
function optionalProperties(
  r: ReturnType<typeof reader>,
  root: JsonNode,
  kind: DevcontainerConfig['kind'],
  rangeOf: (n: JsonNode) => SourceRange,
): Partial<DevcontainerConfig> {
  const out: Partial<DevcontainerConfig> = {};
  const set = <K extends keyof DevcontainerConfig>(key: K, value: DevcontainerConfig[K] | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  set('features', featuresOf(property(root, 'features')?.value, r.report, rangeOf));
  set('overrideFeatureInstallOrder', r.stringArray(root, 'overrideFeatureInstallOrder'));
  for (const hook of HOOK_KEYS) set(hook, lifecycleCommandOf(property(root, hook)?.value, hook, r.report));
  set('waitFor', r.oneOf(root, 'waitFor', WAIT_FOR));
  set('mounts', mountsOf(property(root, 'mounts')?.value, r.report));
  if (property(root, 'remoteEnv')?.value) set('remoteEnv', remoteEnvOf(property(root, 'remoteEnv')!.value!, r.report));
  set('updateRemoteUserUID', r.boolean(root, 'updateRemoteUserUID'));
  set('overrideCommand', r.boolean(root, 'overrideCommand'));
  set(
    'shutdownAction',
    r.oneOf(
      root,
      'shutdownAction',
      kind === 'compose' ? (['none', 'stopCompose'] as const) : ['none', 'stopContainer'],
    ),
  );
  set('hostRequirements', hostRequirementsOf(property(root, 'hostRequirements')?.value, r.report));
  set('init', r.boolean(root, 'init'));
  set('privileged', r.boolean(root, 'privileged'));
  set('capAdd', r.stringArray(root, 'capAdd'));
  set('securityOpt', r.stringArray(root, 'securityOpt'));
  set('userEnvProbe', r.oneOf(root, 'userEnvProbe', USER_ENV_PROBES));
  // Compose configs set these in the Compose file; reportUnknownProperties says so.
  if (kind !== 'compose') {
    set('runArgs', r.stringArray(root, 'runArgs'));
    set('appPort', appPortOf(property(root, 'appPort'), r.report));
  }
  return out;
}

/** `features`: each key (a Feature reference) with its options as written, and where the key is. */
function featuresOf(
  value: JsonNode | undefined,
  report: Report,
  rangeOf: (n: JsonNode) => SourceRange,
): DevcontainerFeature[] | undefined {
  if (!value) return undefined;
  if (value.type !== 'object') {
    report(value, '"features" should be an object of Feature references and their options.', 'warning');
    return undefined;
  }
  const out: DevcontainerFeature[] = [];
  for (const p of value.children ?? []) {
    const [k, v] = p.children ?? [];
    if (k?.type !== 'string' || !v) continue;
    const id = k.value as string;
    if (!id.trim()) {
      report(k, 'A Feature needs a reference as its key (e.g. "ghcr.io/devcontainers/features/node:1").', 'warning');
      continue;
    }
    if (v.type === 'string' || v.type === 'boolean' || v.type === 'object')
      out.push({ id, options: valueOf(v) as DevcontainerFeature['options'], range: rangeOf(k) });
    else
      report(
        v,
        `Feature "${shortName(id)}": its options should be a version string, true or false, or an object of options.`,
        'warning',
      );
  }
  return out;
}

/** `mounts`: `--mount` strings and {type, source, target} objects; anything else is a warning. */
function mountsOf(value: JsonNode | undefined, report: Report): DevcontainerMountEntry[] | undefined {
  if (!value) return undefined;
  if (value.type !== 'array') {
    report(value, '"mounts" should be an array of mounts.', 'warning');
    return undefined;
  }
  const out: DevcontainerMountEntry[] = [];
  for (const e of value.children ?? []) {
    if (e.type === 'string') {
      out.push(e.value as string);
      continue;
    }
    if (e.type !== 'object') {
      report(e, 'A mount is a "--mount" string or an object with "type", "source" and "target".', 'warning');
      continue;
    }
    const type = property(e, 'type')?.value;
    const target = property(e, 'target')?.value;
    const source = property(e, 'source')?.value;
    if (type?.type !== 'string' || (type.value !== 'bind' && type.value !== 'volume')) {
      report(type ?? e, 'A mount object\'s "type" should be "bind" or "volume".', 'warning');
      continue;
    }
    if (target?.type !== 'string' || !target.value) {
      report(target ?? e, 'A mount object needs a "target" path.', 'warning');
      continue;
    }
    if (source && source.type !== 'string') {
      report(source, 'A mount object\'s "source" should be a string.', 'warning');
      continue;
    }
    for (const p of e.children ?? []) {
      const k = p.children?.[0];
      if (k?.type === 'string' && !['type', 'source', 'target'].includes(k.value as string))
        report(k, `A mount object has only "type", "source" and "target"; "${shortName(k.value)}" is ignored.`);
    }
    out.push({
      type: type.value as 'bind' | 'volume',
      ...(source ? { source: source.value as string } : {}),
      target: target.value as string,
    });
  }
  return out;
}

/** `remoteEnv`: strings (numbers and booleans as their text) or null, which unsets the variable. */
function remoteEnvOf(value: JsonNode, report: Report): Record<string, string | null> | undefined {
  if (value.type !== 'object') {
    report(value, '"remoteEnv" should be an object of strings (or null to unset a variable).', 'warning');
    return undefined;
  }
  const out: Record<string, string | null> = {};
  for (const p of value.children ?? []) {
    const [k, v] = p.children ?? [];
    if (k?.type !== 'string' || !v) continue;
    if (v.type === 'null') setOwn(out, k.value as string, null);
    else if (v.type === 'string' || v.type === 'number' || v.type === 'boolean')
      setOwn(out, k.value as string, String(v.value));
    else report(v, '"remoteEnv" values should be strings, or null to unset a variable.', 'warning');
  }
  return out;
}

/** "4gb", "512mb", "1024" → bytes (units of 1024, as the spec's tb/gb/mb/kb suffixes). */
const SIZE = /^(\d{1,15})(tb|gb|mb|kb)?$/i;
const UNIT: Record<string, number> = { kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4 };
export function parseSize(text: string): number | undefined {
  const m = SIZE.exec(text.trim());
  if (!m) return undefined;
  const bytes = Number(m[1]) * (m[2] ? UNIT[m[2].toLowerCase()] : 1);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** `hostRequirements`: cpus, memory, storage (sizes in bytes), gpu; a wrong value is a warning at it. */
function hostRequirementsOf(value: JsonNode | undefined, report: Report): HostRequirements | undefined {
  if (!value) return undefined;
  if (value.type !== 'object') {
    report(value, '"hostRequirements" should be an object (cpus, memory, storage, gpu).', 'warning');
    return undefined;
  }
  const out: HostRequirements = {};
  const size = (node: JsonNode | undefined, key: string): number | undefined => {
    if (!node) return undefined;
    const bytes = node.type === 'string' ? parseSize(node.value as string) : undefined;
    if (bytes === undefined) report(node, `"hostRequirements.${key}" should be a size such as "4gb" or "512mb".`);
    return bytes;
  };
  const count = (node: JsonNode | undefined, key: string): number | undefined => {
    if (!node) return undefined;
    if (node.type === 'number' && Number.isSafeInteger(node.value) && (node.value as number) >= 1)
      return node.value as number;
    report(node, `"hostRequirements.${key}" should be a whole number of at least 1.`);
    return undefined;
  };
  for (const p of value.children ?? []) {
    const [k, v] = p.children ?? [];
    if (k?.type !== 'string' || !v) continue;
    const key = k.value as string;
    if (key === 'cpus') out.cpus = count(v, key);
    else if (key === 'memory') out.memory = size(v, key);
    else if (key === 'storage') out.storage = size(v, key);
    else if (key === 'gpu') out.gpu = gpuOf(v, report, size, count);
    else report(k, `"hostRequirements.${shortName(key)}" is not a dev container property; it is ignored.`);
  }
  for (const key of Object.keys(out) as (keyof HostRequirements)[]) if (out[key] === undefined) delete out[key];
  return out;
}

function gpuOf(
  v: JsonNode,
  report: Report,
  size: (n: JsonNode | undefined, key: string) => number | undefined,
  count: (n: JsonNode | undefined, key: string) => number | undefined,
): HostRequirements['gpu'] {
  if (v.type === 'boolean') return v.value as boolean;
  if (v.type === 'string' && v.value === 'optional') return 'optional';
  if (v.type === 'object') {
    const gpu: { cores?: number; memory?: number } = {};
    const cores = count(property(v, 'cores')?.value, 'gpu.cores');
    const memory = size(property(v, 'memory')?.value, 'gpu.memory');
    if (cores !== undefined) gpu.cores = cores;
    if (memory !== undefined) gpu.memory = memory;
    return gpu;
  }
  report(v, '"hostRequirements.gpu" should be true, false, "optional" or an object (cores, memory).');
  return undefined;
}

/** `appPort` (deprecated): a port, a "host:container" string, or an array of those. */
function appPortOf(
  p: { key: JsonNode; value?: JsonNode } | undefined,
  report: Report,
): (number | string)[] | undefined {
  if (!p?.value) return undefined;
  report(p.key, '"appPort" is deprecated: use "forwardPorts" instead (it is still published).', 'warning');
  const items = p.value.type === 'array' ? (p.value.children ?? []) : [p.value];
  const out: (number | string)[] = [];
  for (const e of items) {
    if (e.type === 'number' && validPortNumber(e.value as number) && e.value !== 0) out.push(e.value as number);
    else if (e.type === 'string' && (e.value as string).trim()) out.push(e.value as string);
    else report(e, 'An "appPort" entry is a port number (1-65535) or a string such as "8000:8010".', 'warning');
  }
  return out;
}

/**
 * Every top-level property the containers.dev schema (devContainer.base.schema.json) defines, for
 * any kind of config: accepted without a word even when we do not use it (ports attributes, the
 * editor's customizations, secrets, user environment probing).
 */
const COMMON_PROPERTIES = new Set([
  '$schema',
  'name',
  'features',
  'overrideFeatureInstallOrder',
  'secrets',
  'forwardPorts',
  'portsAttributes',
  'otherPortsAttributes',
  'updateRemoteUserUID',
  'containerEnv',
  'containerUser',
  'mounts',
  'init',
  'privileged',
  'capAdd',
  'securityOpt',
  'remoteEnv',
  'remoteUser',
  'initializeCommand',
  'onCreateCommand',
  'updateContentCommand',
  'postCreateCommand',
  'postStartCommand',
  'postAttachCommand',
  'waitFor',
  'userEnvProbe',
  'hostRequirements',
  'customizations',
  'shutdownAction',
  'overrideCommand',
  'workspaceFolder',
  'workspaceMount',
  // Each config is one kind, but a config that names both is judged by the kind it resolves to.
  'image',
  'build',
  'dockerFile',
  'context',
  'dockerComposeFile',
]);
/** Image and Dockerfile configs only: a Compose config sets these in its Compose file. */
const NON_COMPOSE_PROPERTIES = new Set(['runArgs', 'appPort']);
const COMPOSE_PROPERTIES = new Set(['service', 'runServices']);
const BUILD_PROPERTIES = new Set(['dockerfile', 'context', 'target', 'args', 'cacheFrom', 'options']);
/** Top-level properties of older VS Code releases, and where they went. */
const MOVED: Record<string, string> = {
  extensions: '"extensions" has moved to "customizations.vscode.extensions"; here it is ignored.',
  settings: '"settings" has moved to "customizations.vscode.settings"; here it is ignored.',
  devPort: '"devPort" is no longer a dev container property; it is ignored.',
};

const shortName = (name: unknown) => {
  const s = String(name);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
};

/** One warning at each property the schema does not define for this kind of config (build's too). */
function reportUnknownProperties(root: JsonNode, kind: DevcontainerConfig['kind'], report: Report): void {
  const keyOf = (p: JsonNode) => (p.children?.[0]?.type === 'string' ? p.children[0] : undefined);
  for (const p of root.children ?? []) {
    const k = keyOf(p);
    if (!k) continue;
    const name = k.value as string;
    if (COMMON_PROPERTIES.has(name)) continue;
    if (NON_COMPOSE_PROPERTIES.has(name)) {
      if (kind === 'compose')
        report(k, `"${name}" applies to image and Dockerfile configs; set it in the Compose file. It is ignored.`);
    } else if (COMPOSE_PROPERTIES.has(name)) {
      if (kind !== 'compose') report(k, `"${name}" applies to Compose configs only; it is ignored.`);
    } else if (Object.hasOwn(MOVED, name)) report(k, MOVED[name]);
    else report(k, `"${shortName(name)}" is not a dev container property; it is ignored.`);
  }
  const build = property(root, 'build')?.value;
  if (build?.type !== 'object') return;
  for (const p of build.children ?? []) {
    const k = keyOf(p);
    if (k && !BUILD_PROPERTIES.has(k.value as string))
      report(k, `"build.${shortName(k.value)}" is not a dev container property; it is ignored.`);
  }
}

/**
 * Dev-container configs of a folder (JSONC: comments and trailing commas allowed), in the order
 * configRank gives. Syntax errors are errors at their position and what the parser recovers is still
 * read; wrong types are warnings at the value. Never throws.
 */
export async function detectDevcontainers(
  folder: string,
  files: string[],
  read: ReadText,
): Promise<{ configs: DevcontainerConfig[]; diagnostics: ContextDiagnostic[] }> {
  const candidates: string[] = [];
  for (const rel of files) {
    if (rel.endsWith('devcontainer.json') && configRank(rel) >= 0) candidates.push(rel);
  }
  candidates.sort((a, b) => configRank(a) - configRank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const reads = pooled(read);
  const parsed = await Promise.all(
    candidates.map(async (rel) => {
      const path = resolve(folder, rel);
      const got = await reads.get(path);
      if (!got.ok)
        return worthReporting(got) ? { diagnostics: [notReadDiagnostic(path, got, 'devcontainer')] } : undefined;
      if (reads.overBudget()) return { diagnostics: [overBudgetDiagnostic(path, 'devcontainer')] };
      let p: ReturnType<typeof parseDevcontainer>;
      try {
        p = parseDevcontainer(path, got.text, folder);
      } catch (err) {
        return { diagnostics: [internalErrorDiagnostic(path, err, 'devcontainer')] };
      }
      // The files it names must be readable too: a FIFO or a device there would hang a build.
      for (const ref of p.references ?? []) {
        const r = await reads.get(ref.path);
        if (worthReporting(r))
          p.diagnostics.push(
            notReadDiagnostic(path, r, 'devcontainer', {
              subject: `${ref.written} (in "${ref.property}")`,
              range: ref.range,
            }),
          );
      }
      return p;
    }),
  );
  const configs: DevcontainerConfig[] = [];
  const diagnostics: ContextDiagnostic[] = [];
  for (const p of parsed) {
    if (p && 'config' in p && p.config) configs.push(p.config);
    for (const d of p?.diagnostics ?? []) diagnostics.push(d);
  }
  return { configs, diagnostics };
}
