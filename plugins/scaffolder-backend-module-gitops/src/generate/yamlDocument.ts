import { Document, isCollection, isMap, isScalar, Pair, Scalar } from 'yaml';

export type YamlPath = ReadonlyArray<string | number>;

/** How to print a generated object; every path must exist in the object. */
export interface YamlStyle {
  /**
   * A comment above the key at each path; the empty path comments the
   * document (above its first key, so no blank line separates them).
   */
  comments?: Array<readonly [YamlPath, string]>;
  /** Maps and lists printed inline (`{ cpu: 100m }`), as people write short ones. */
  flow?: YamlPath[];
  /** Strings printed in double quotes. */
  quoted?: YamlPath[];
  /** Strings printed as a `|-` block, e.g. an embedded patch. */
  literal?: YamlPath[];
}

function pairAt(doc: Document, path: YamlPath): Pair {
  const parent =
    path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  const key = path[path.length - 1];
  const pair = isMap(parent)
    ? parent.items.find(item => isScalar(item.key) && item.key.value === key)
    : undefined;
  if (!pair) {
    // A generator bug, not bad input: the style names a key the object lacks.
    throw new Error(`No key at ${path.join('.')} to comment`);
  }
  return pair;
}

function nodeAt(doc: Document, path: YamlPath) {
  const node = doc.getIn(path, true);
  if (node === undefined) {
    throw new Error(`No value at ${path.join('.')} to style`);
  }
  return node;
}

function commentText(comment: string): string {
  return comment
    .split('\n')
    .map(line => ` ${line}`)
    .join('\n');
}

export function yamlDocument(value: unknown, style: YamlStyle = {}): Document {
  // Generators share constants; repeated objects are written out, not aliased.
  const doc = new Document(value, { aliasDuplicateObjects: false });
  for (const [path, comment] of style.comments ?? []) {
    const first = isMap(doc.contents) ? doc.contents.items[0] : undefined;
    const target = path.length === 0 ? first : pairAt(doc, path);
    if (!target) throw new Error('No first key to comment the document on');
    (target.key as Scalar).commentBefore = commentText(comment);
  }
  for (const path of style.flow ?? []) {
    const node = nodeAt(doc, path);
    if (!isCollection(node))
      throw new Error(`${path.join('.')} is no collection`);
    node.flow = true;
  }
  for (const [paths, type] of [
    [style.quoted ?? [], Scalar.QUOTE_DOUBLE],
    [style.literal ?? [], Scalar.BLOCK_LITERAL],
  ] as const) {
    for (const path of paths) {
      const node = nodeAt(doc, path);
      if (!isScalar(node)) throw new Error(`${path.join('.')} is no scalar`);
      node.type = type;
    }
  }
  return doc;
}

/** One YAML file of one or more documents. */
export function yamlFile(documents: Document[]): string {
  return documents.map(doc => doc.toString({ lineWidth: 0 })).join('---\n');
}
