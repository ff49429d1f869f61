import { InputError } from '@backstage/errors';
import { Document, isMap, isScalar, isSeq, Node, Scalar, YAMLMap } from 'yaml';
import {
  applySplices,
  describeNode,
  parseOne,
  resolveNode,
  scalarSplice,
  scalarText,
} from './yamlText';

export interface HelmValueOptions {
  /** Shown in error messages. */
  file: string;
  /** Dotted path with optional list indexes, e.g. `image.tag` or `jobs[0].image.tag`. */
  keyPath: string;
}

type PathStep = string | number;

const SEGMENT = /^([^.[\]]+)((?:\[\d+\])*)$/;

export function parseKeyPath(keyPath: string, file: string): PathStep[] {
  const steps: PathStep[] = [];
  for (const segment of keyPath.split('.')) {
    const match = SEGMENT.exec(segment);
    if (!match) {
      throw new InputError(
        `${file}: "${keyPath}" is not a key path; expected dotted keys with optional [index], e.g. image.tag or jobs[0].image.tag`,
      );
    }
    steps.push(match[1]);
    for (const index of match[2].matchAll(/\[(\d+)\]/g)) {
      steps.push(Number(index[1]));
    }
  }
  return steps;
}

function isMergeKey(key: unknown): boolean {
  // Helm reads values with a YAML 1.1 parser, where a plain `<<` merges maps.
  if (!isScalar(key) || key.type !== 'PLAIN') return false;
  const value = key.value;
  return (
    value === '<<' || (typeof value === 'symbol' && value.description === '<<')
  );
}

/**
 * The value node for `key` in `map`, looking into `<<` merges when the map
 * does not set the key itself (its own keys win, then earlier merge sources).
 */
function lookUp(
  doc: Document,
  map: YAMLMap,
  key: string,
  visited: Set<YAMLMap>,
): { value: unknown } | undefined {
  if (visited.has(map)) return undefined;
  visited.add(map);
  for (const pair of map.items) {
    if (
      isScalar(pair.key) &&
      !isMergeKey(pair.key) &&
      String(pair.key.value) === key
    ) {
      return { value: pair.value };
    }
  }
  for (const pair of map.items) {
    if (!isMergeKey(pair.key)) continue;
    const source = resolveNode(doc, pair.value);
    const sources = isSeq(source)
      ? source.items.map(item => resolveNode(doc, item))
      : [source];
    for (const candidate of sources) {
      if (isMap(candidate)) {
        const found = lookUp(doc, candidate, key, visited);
        if (found) return found;
      }
    }
  }
  return undefined;
}

/**
 * The scalar at `keyPath`. Aliases on the way (and `<<: *defaults` merges) are
 * followed to the anchored node, so a value that a file shares through an
 * anchor is changed where it is defined: every place that aliases it changes
 * with it, which is what sharing it through an anchor means.
 */
function findScalar(
  doc: Document,
  { file, keyPath }: HelmValueOptions,
): Scalar {
  let node: Node | undefined | null = resolveNode(doc, doc.contents);
  for (const step of parseKeyPath(keyPath, file)) {
    let next: unknown;
    if (typeof step === 'number') {
      if (!isSeq(node) || step >= node.items.length) {
        throw new InputError(`${file} has no key ${keyPath}`);
      }
      next = node.items[step];
    } else {
      const found = isMap(node)
        ? lookUp(doc, node, step, new Set())
        : undefined;
      if (!found) {
        throw new InputError(`${file} has no key ${keyPath}`);
      }
      next = found.value;
    }
    node = resolveNode(doc, next);
  }
  if (
    !isScalar(node) ||
    node.type === 'BLOCK_LITERAL' ||
    node.type === 'BLOCK_FOLDED'
  ) {
    throw new InputError(
      `${file}: ${keyPath} is ${describeNode(node)}, not a single-line value`,
    );
  }
  return node;
}

/** The value at `keyPath` as written, undefined if it is null or empty. */
export function readHelmValue(
  content: string,
  options: HelmValueOptions,
): string | undefined {
  const doc = parseOne(content, options.file);
  return scalarText(content, findScalar(doc, options));
}

/**
 * Changes the value of an existing key. Missing keys are an error rather than
 * added, as in Kargo's yaml-update: a typo in the key path must not deploy
 * nothing while looking like it worked.
 */
export function setHelmValue(
  content: string,
  options: HelmValueOptions & { value: string },
): { content: string; previous?: string } {
  const { file, keyPath, value } = options;
  const doc = parseOne(content, file);
  const node = findScalar(doc, options);
  const previous = scalarText(content, node);
  const splice = scalarSplice(node, value, () => `${file}: ${keyPath}`);
  const updated = splice ? applySplices(content, [splice]) : content;
  if (readHelmValue(updated, options) !== value) {
    throw new Error(`${file}: setting ${keyPath} to "${value}" did not take`);
  }
  return { content: updated, ...(previous !== undefined && { previous }) };
}
