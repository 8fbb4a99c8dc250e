import { basename, dirname, resolve } from 'node:path';
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import type { ContextDiagnostic, DevcontainerConfig, ReadText } from './types';

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

/** Offsets to 0-based line/column, with the line starts computed once per file. */
function positions(text: string): (offset: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    const o = Math.max(0, Math.min(offset, text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, column: o - starts[lo] };
  };
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
        if (k?.type === 'string' && v) out[k.value as string] = valueOf(v);
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
        else out[k.value as string] = s;
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
): { config?: DevcontainerConfig; diagnostics: ContextDiagnostic[] } {
  // A byte-order mark is not content (editors do not show it, so columns are counted without it).
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const diagnostics: ContextDiagnostic[] = [];
  const pos = positions(text);
  const at = (offset: number, length: number, message: string, severity: 'error' | 'warning') => {
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
  if (root?.type !== 'object') {
    if (root) report(root, 'devcontainer.json should hold a JSON object.', 'error');
    return { diagnostics };
  }

  const r = reader(report);
  const dir = dirname(path);
  const folderName = basename(folder);

  const image = r.string(root, 'image');
  const build = r.object(root, 'build');
  const dockerfile = r.string(build, 'dockerfile') ?? r.string(root, 'dockerFile');
  const composeFiles: string[] = [];
  const composeProp = r.node(root, 'dockerComposeFile');
  const composeValue = composeProp?.value;
  if (composeValue?.type === 'string') composeFiles.push(composeValue.value as string);
  else if (composeValue?.type === 'array') {
    for (const e of composeValue.children ?? []) {
      if (e.type === 'string') composeFiles.push(e.value as string);
      else report(e, '"dockerComposeFile" should only hold file names.', 'warning');
    }
    if (!composeValue.children?.length) report(composeValue, '"dockerComposeFile" names no Compose file.', 'warning');
  } else if (composeValue)
    report(composeValue, '"dockerComposeFile" should be a file name or an array of file names.', 'warning');

  let kind: DevcontainerConfig['kind'];
  if (composeFiles.length) kind = 'compose';
  else if (dockerfile !== undefined) kind = 'build';
  else if (image !== undefined) kind = 'image';
  else {
    if (!errors.length)
      at(root.offset, 1, 'A dev container needs "image", "build.dockerfile" or "dockerComposeFile".', 'error');
    return { diagnostics };
  }

  const workspaceFolderSet = r.string(root, 'workspaceFolder');
  const workspaceMountSet = r.string(root, 'workspaceMount');
  let compose: DevcontainerConfig['compose'];
  let workspaceFolder: string;
  let workspaceMount: string;
  if (kind === 'compose') {
    const service = r.string(root, 'service');
    const key = composeProp!.key;
    if (service === undefined) report(key, 'A Compose dev container needs "service".', 'error');
    // The schema requires it; without it the Dev Containers CLI opens "/".
    if (workspaceFolderSet === undefined) report(key, 'A Compose dev container needs "workspaceFolder".', 'error');
    compose = {
      files: composeFiles.map((f) => resolve(dir, f)),
      service: service ?? '',
      runServices: r.stringArray(root, 'runServices'),
    };
    workspaceFolder = workspaceFolderSet ?? '/';
    // Compose mounts the code itself; no mount is added for it.
    workspaceMount = workspaceMountSet ?? '';
  } else {
    workspaceFolder = workspaceFolderSet ?? `/workspaces/${folderName}`;
    workspaceMount =
      workspaceMountSet ?? `source=${folder},target=/workspaces/${folderName},type=bind,consistency=cached`;
  }

  const forwardPorts: (number | string)[] = [];
  const fp = r.node(root, 'forwardPorts');
  if (fp?.value && fp.value.type !== 'array')
    report(fp.value, '"forwardPorts" should be an array of ports.', 'warning');
  else
    for (const e of fp?.value?.children ?? []) {
      if (e.type === 'number' && validPortNumber(e.value as number)) forwardPorts.push(e.value as number);
      else if (
        e.type === 'string' &&
        PORT_STRING.test(e.value as string) &&
        validPortNumber(Number(PORT_STRING.exec(e.value as string)![1]))
      ) {
        forwardPorts.push(e.value as string);
      } else report(e, 'A forwarded port is a port number (0-65535) or a "host:port" string.', 'warning');
    }

  let postCreateCommand: DevcontainerConfig['postCreateCommand'];
  const pc = r.node(root, 'postCreateCommand');
  if (pc?.value) {
    const v = valueOf(pc.value);
    const isCommand = (c: unknown) =>
      typeof c === 'string' || (Array.isArray(c) && c.every((x) => typeof x === 'string'));
    if (
      isCommand(v) ||
      (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(isCommand))
    ) {
      postCreateCommand = v as DevcontainerConfig['postCreateCommand'];
    } else {
      report(
        pc.value,
        '"postCreateCommand" should be a command string, an array of arguments, or an object of named commands.',
        'warning',
      );
    }
  }

  const config: DevcontainerConfig = {
    path,
    name: r.string(root, 'name'),
    kind,
    image,
    build:
      kind === 'build'
        ? {
            dockerfile: resolve(dir, dockerfile!),
            // build.context, or the top-level context that goes with the legacy top-level dockerFile.
            context: resolve(
              dir,
              (build ? r.string(build, 'context') : undefined) ??
                (property(root, 'dockerFile') ? r.string(root, 'context') : undefined) ??
                '.',
            ),
            target: r.string(build, 'target'),
            args: r.stringMap(build, 'args'),
          }
        : undefined,
    compose,
    workspaceFolder,
    workspaceMount,
    forwardPorts,
    containerEnv: r.stringMap(root, 'containerEnv'),
    remoteUser: r.string(root, 'remoteUser'),
    postCreateCommand,
  };
  // Only when set: a config without it keeps the shape it always had.
  const containerUser = r.string(root, 'containerUser');
  if (containerUser !== undefined) config.containerUser = containerUser;
  diagnostics.sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
  return { config, diagnostics };
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
  const parsed = await Promise.all(
    candidates.map(async (rel) => {
      const path = resolve(folder, rel);
      let text: string | undefined;
      try {
        text = await read(path);
      } catch {
        text = undefined;
      }
      if (text === undefined) return undefined;
      try {
        return parseDevcontainer(path, text, folder);
      } catch {
        return undefined;
      }
    }),
  );
  const configs: DevcontainerConfig[] = [];
  const diagnostics: ContextDiagnostic[] = [];
  for (const p of parsed) {
    if (p?.config) configs.push(p.config);
    if (p) diagnostics.push(...p.diagnostics);
  }
  return { configs, diagnostics };
}
