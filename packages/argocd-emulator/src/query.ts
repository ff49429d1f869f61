import { invalidArgument } from './errors';

type Json = Record<string, any>;

// ---- label selectors --------------------------------------------------------

type Requirement = (labels: Record<string, string>) => boolean;

/** Splits on commas outside parentheses (`a in (x,y),b=c`). */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of text) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts.map(p => p.trim()).filter(Boolean);
}

/**
 * Parses a Kubernetes label selector: `k=v`, `k==v`, `k!=v`, `k`, `!k`,
 * `k in (a,b)`, `k notin (a,b)`, comma-separated (AND).
 */
export function parseLabelSelector(selector: string): Requirement {
  const requirements: Requirement[] = [];
  for (const part of splitTopLevel(selector)) {
    const set = part.match(/^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/);
    const equality = part.match(/^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/);
    const absent = part.match(/^!\s*([\w./-]+)$/);
    const present = part.match(/^([\w./-]+)$/);
    if (set) {
      const [, key, op, list] = set;
      const values = list.split(',').map(v => v.trim());
      requirements.push(
        op === 'in'
          ? l => key in l && values.includes(l[key])
          : l => !(key in l) || !values.includes(l[key]),
      );
    } else if (equality) {
      const [, key, op, value] = equality;
      requirements.push(
        op === '!=' ? l => l[key] !== value : l => key in l && l[key] === value,
      );
    } else if (absent) {
      const key = absent[1];
      requirements.push(l => !(key in l));
    } else if (present) {
      const key = present[1];
      requirements.push(l => key in l);
    } else {
      throw invalidArgument(
        `error parsing the selector: unable to parse requirement: ${part}`,
      );
    }
  }
  return labels => requirements.every(r => r(labels));
}

// ---- fields projection ----------------------------------------------------------

/**
 * The fields the list endpoint can return (Argo CD's `appFields`, facts §1.3),
 * without the `items.` prefix. Note the quirk kept from Argo CD:
 * `status.operationState.operation.sync` carries the sync *result*.
 */
export const LIST_FIELDS: Record<string, (app: Json) => unknown> = {
  'metadata.name': a => a.metadata?.name,
  'metadata.namespace': a => a.metadata?.namespace,
  'metadata.annotations': a => a.metadata?.annotations,
  'metadata.labels': a => a.metadata?.labels,
  'metadata.creationTimestamp': a => a.metadata?.creationTimestamp,
  'metadata.deletionTimestamp': a => a.metadata?.deletionTimestamp,
  spec: a => a.spec,
  'spec.project': a => a.spec?.project,
  'spec.destination': a => a.spec?.destination,
  'spec.source': a => a.spec?.source,
  'spec.sources': a => a.spec?.sources,
  'spec.syncPolicy': a => a.spec?.syncPolicy,
  'spec.sourceHydrator': a => a.spec?.sourceHydrator,
  'status.health': a => a.status?.health,
  'status.summary': a => a.status?.summary,
  'status.resources': a => a.status?.resources,
  'status.sourceHydrator': a => a.status?.sourceHydrator,
  'status.sync.status': a => a.status?.sync?.status,
  'status.sync.revision': a => a.status?.sync?.revision,
  'status.operationState.phase': a => a.status?.operationState?.phase,
  'status.operationState.startedAt': a => a.status?.operationState?.startedAt,
  'status.operationState.finishedAt': a => a.status?.operationState?.finishedAt,
  'status.operationState.operation.sync': a =>
    a.status?.operationState?.syncResult,
  'operation.sync': a => a.operation?.sync,
};

function setPath(target: Json, path: string, value: unknown) {
  const parts = path.split('.');
  let cursor = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof cursor[part] !== 'object' || cursor[part] === null)
      cursor[part] = {};
    cursor = cursor[part];
  }
  cursor[parts[parts.length - 1]] = value;
}

/** Parses `fields` (comma-separated, possibly repeated); a leading `-` excludes. */
export function parseFields(
  raw: unknown,
): { fields: Set<string>; exclude: boolean } | undefined {
  let values: string[] = [];
  if (Array.isArray(raw)) values = raw.map(String);
  else if (raw !== undefined) values = [String(raw)];
  let text = values.join(',').trim();
  if (!text) return undefined;
  let exclude = false;
  if (text.startsWith('-')) {
    exclude = true;
    text = text.slice(1);
  }
  return {
    fields: new Set(
      text
        .split(',')
        .map(f => f.trim())
        .filter(Boolean),
    ),
    exclude,
  };
}

/**
 * Projects one list item through the allow-list: with include semantics the
 * requested allowed fields (`items.<field>`); with `-`, every allowed field
 * except those. Fields outside the allow-list are never returned.
 */
export function projectListItem(
  app: Json,
  spec: { fields: Set<string>; exclude: boolean },
): Json {
  const out: Json = {};
  for (const [field, get] of Object.entries(LIST_FIELDS)) {
    if (spec.fields.has(`items.${field}`) === spec.exclude) continue;
    const value = get(app);
    if (value === undefined || value === null) continue;
    setPath(out, field, value);
  }
  return out;
}

/** Generic projection (the watch stream's `result.`-prefixed paths). */
export function projectGeneric(
  value: Json,
  spec: { fields: Set<string>; exclude: boolean },
): Json {
  const paths = [...spec.fields].map(f => f.split('.'));
  if (spec.exclude) {
    const copy = structuredClone(value);
    for (const path of paths) {
      let cursor: any = copy;
      for (const part of path.slice(0, -1)) {
        cursor = cursor?.[part];
      }
      if (cursor && typeof cursor === 'object')
        delete cursor[path[path.length - 1]];
    }
    return copy;
  }
  const out: Json = {};
  for (const path of paths) {
    let cursor: any = value;
    for (const part of path) cursor = cursor?.[part];
    if (cursor !== undefined) setPath(out, path.join('.'), cursor);
  }
  return out;
}
