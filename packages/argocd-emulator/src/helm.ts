import { parse, parseAllDocuments, stringify } from 'yaml';

/**
 * A deliberately small stand-in for `helm template` (there is no helm binary
 * here). It substitutes simple actions — `.Values.x.y`, `.Release.Name`,
 * `.Release.Namespace`, `.Chart.Name/Version/AppVersion`, string literals,
 * piped through `quote`, `squote`, `default`, `toYaml`, `indent`, `nindent`,
 * `upper`, `lower`, `trim`, `toString` — with `{{-`/`-}}` whitespace trimming.
 * A template using anything else (if/range/with/include/define, variables,
 * other functions) is skipped; when no template renders, the chart becomes
 * one Deployment named after the release running
 * `image.repository:image.tag` (tag defaulting to the chart's appVersion).
 */
export interface HelmRenderOptions {
  releaseName: string;
  namespace: string;
  /** Reads a file relative to the chart directory (`../` allowed), if it exists. */
  readFile: (path: string) => string | undefined;
  /** Every file path of the chart, relative to the chart directory. */
  files: string[];
  valueFiles?: string[];
  values?: string;
  valuesObject?: Record<string, unknown>;
  parameters?: Array<{ name: string; value: string; forceString?: boolean }>;
  ignoreMissingValueFiles?: boolean;
}

export interface HelmRenderResult {
  manifests: Record<string, any>[];
  /** Templates skipped because they use more than the subset above. */
  skippedTemplates: string[];
  /** True when the synthetic Deployment stands in for the chart. */
  synthetic: boolean;
}

class Unsupported extends Error {}

type Values = Record<string, any>;

function isPlainObject(value: unknown): value is Record<string, any> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** Helm's coalescing of values: maps merge deeply, everything else replaces. */
export function mergeValues(base: Values, override: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(override ?? {})) {
    if (value === null) {
      delete out[key];
    } else if (isPlainObject(value) && isPlainObject(out[key])) {
      out[key] = mergeValues(out[key], value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function setPath(
  values: Values,
  path: string,
  raw: string,
  forceString?: boolean,
) {
  const parts = path.split('.');
  let cursor = values;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(cursor[part])) cursor[part] = {};
    cursor = cursor[part];
  }
  let value: unknown = raw;
  if (!forceString) {
    if (raw === 'true' || raw === 'false') value = raw === 'true';
    else if (/^-?\d+$/.test(raw)) value = Number(raw);
  }
  cursor[parts[parts.length - 1]] = value;
}

function lookup(root: Values, path: string): unknown {
  let cursor: any = root;
  for (const part of path.split('.').filter(Boolean)) {
    if (cursor === null || cursor === undefined) return undefined;
    cursor = cursor[part];
  }
  return cursor;
}

/** Splits on a separator outside double quotes. */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' && text[i - 1] !== '\\') quoted = !quoted;
    if (!quoted && c === separator) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

function words(command: string): string[] {
  return splitOutsideQuotes(command.trim(), ' ').filter(w => w !== '');
}

function toText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') throw new Unsupported('object printed raw');
  return String(value);
}

function indentText(text: string, n: number): string {
  const pad = ' '.repeat(n);
  return text
    .split('\n')
    .map(line => pad + line)
    .join('\n');
}

function evaluateTerm(term: string, scope: Values): unknown {
  if (term.startsWith('"') && term.endsWith('"')) return JSON.parse(term);
  if (/^-?\d+$/.test(term)) return Number(term);
  if (term === 'true' || term === 'false') return term === 'true';
  if (/^\.(Values|Release|Chart|Capabilities)(\.[A-Za-z0-9_-]+)*$/.test(term)) {
    return lookup(scope, term.slice(1));
  }
  throw new Unsupported(`term ${term}`);
}

function applyFunction(name: string, args: unknown[]): unknown {
  const last = args[args.length - 1];
  switch (name) {
    case 'quote':
      return JSON.stringify(toText(last));
    case 'squote':
      return `'${toText(last)}'`;
    case 'default':
      return last === undefined ||
        last === null ||
        last === '' ||
        last === false
        ? args[0]
        : last;
    case 'toYaml':
      return last === undefined || last === null
        ? ''
        : stringify(last).replace(/\n$/, '');
    case 'indent':
      return indentText(toText(last), Number(args[0]));
    case 'nindent':
      return `\n${indentText(toText(last), Number(args[0]))}`;
    case 'upper':
      return toText(last).toUpperCase();
    case 'lower':
      return toText(last).toLowerCase();
    case 'trim':
      return toText(last).trim();
    case 'toString':
      return toText(last);
    default:
      throw new Unsupported(`function ${name}`);
  }
}

function evaluatePipeline(expression: string, scope: Values): string {
  const commands = splitOutsideQuotes(expression, '|');
  let value: unknown;
  commands.forEach((command, index) => {
    const [head, ...rest] = words(command);
    if (!head) throw new Unsupported('empty command');
    if (index === 0 && rest.length === 0 && !/^[a-z]/.test(head)) {
      value = evaluateTerm(head, scope);
      return;
    }
    const args = rest.map(arg => evaluateTerm(arg, scope));
    if (index > 0) args.push(value);
    value = applyFunction(head, args);
  });
  return toText(value);
}

const CONTROL =
  /^(if|else|end|range|with|define|template|include|block|\/\*)\b/;

/** Renders one template with the supported subset; throws Unsupported otherwise. */
function renderTemplate(text: string, scope: Values): string {
  let out = '';
  let position = 0;
  const action = /\{\{(-?)\s*([\s\S]*?)\s*(-?)\}\}/g;
  let trimNext = false;
  for (let match = action.exec(text); match; match = action.exec(text)) {
    let literal = text.slice(position, match.index);
    if (trimNext) literal = literal.replace(/^\s+/, '');
    if (match[1] === '-') literal = literal.replace(/\s+$/, '');
    out += literal;
    const expression = match[2];
    if (
      CONTROL.test(expression) ||
      expression.includes(':=') ||
      expression.startsWith('$')
    ) {
      throw new Unsupported(expression);
    }
    out += evaluatePipeline(expression, scope);
    trimNext = match[3] === '-';
    position = match.index + match[0].length;
  }
  let tail = text.slice(position);
  if (trimNext) tail = tail.replace(/^\s+/, '');
  return out + tail;
}

function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

/** Renders a chart's templates as far as the subset allows (see above). */
export function renderHelmChart(options: HelmRenderOptions): HelmRenderResult {
  const chart: Values = parse(options.readFile('Chart.yaml') ?? '{}') ?? {};
  let values: Values = parse(options.readFile('values.yaml') ?? '{}') ?? {};
  for (const file of options.valueFiles ?? []) {
    const text = options.readFile(file);
    if (text === undefined) {
      if (options.ignoreMissingValueFiles) continue;
      throw new Error(`Error: open ${file}: no such file or directory`);
    }
    values = mergeValues(values, parse(text) ?? {});
  }
  if (options.values) values = mergeValues(values, parse(options.values) ?? {});
  if (options.valuesObject) values = mergeValues(values, options.valuesObject);
  for (const p of options.parameters ?? []) {
    setPath(values, p.name, p.value, p.forceString);
  }
  const scope: Values = {
    Values: values,
    Release: {
      Name: options.releaseName,
      Namespace: options.namespace,
      Service: 'Helm',
      IsInstall: true,
      IsUpgrade: false,
    },
    Chart: {
      Name: chart.name,
      Version: chart.version,
      AppVersion: chart.appVersion,
    },
    Capabilities: {},
  };

  const manifests: Record<string, any>[] = [];
  const skippedTemplates: string[] = [];
  const templates = options.files
    .map(normalize)
    .filter(
      f =>
        f.startsWith('templates/') &&
        /\.(ya?ml)$/.test(f) &&
        !f.split('/').pop()!.startsWith('_') &&
        !f.startsWith('templates/tests/'),
    )
    .sort();
  for (const file of templates) {
    let rendered: string;
    try {
      rendered = renderTemplate(options.readFile(file) ?? '', scope);
    } catch (error) {
      if (error instanceof Unsupported) {
        skippedTemplates.push(file);
        continue;
      }
      throw error;
    }
    for (const doc of parseAllDocuments(rendered)) {
      if (doc.errors.length) {
        throw new Error(`${file}: ${doc.errors[0].message}`);
      }
      const value = doc.toJS();
      if (value && typeof value === 'object' && value.kind)
        manifests.push(value);
    }
  }
  if (manifests.length > 0) {
    return { manifests, skippedTemplates, synthetic: false };
  }

  const image = values.image ?? {};
  const tag = image.tag ?? chart.appVersion ?? 'latest';
  const repository = image.repository ?? chart.name ?? options.releaseName;
  return {
    manifests: [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: options.releaseName,
          namespace: options.namespace,
          labels: { 'app.kubernetes.io/instance': options.releaseName },
        },
        spec: {
          replicas:
            typeof values.replicaCount === 'number' ? values.replicaCount : 1,
          selector: {
            matchLabels: { 'app.kubernetes.io/instance': options.releaseName },
          },
          template: {
            metadata: {
              labels: { 'app.kubernetes.io/instance': options.releaseName },
            },
            spec: {
              containers: [
                {
                  name: String(chart.name ?? 'app'),
                  image: `${repository}:${tag}`,
                },
              ],
            },
          },
        },
      },
    ],
    skippedTemplates,
    synthetic: true,
  };
}
