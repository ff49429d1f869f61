import { InputError } from '@backstage/errors';
import {
  Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  Node,
  parseAllDocuments,
  parseDocument,
  Scalar,
  YAMLError,
} from 'yaml';

/*
 * Helpers for editing YAML as text. The yaml library finds the nodes; the
 * edits are splices into the original string at the nodes' source offsets,
 * because re-serialising a document would reformat it.
 */

function parseErrorMessage(file: string, error: YAMLError): InputError {
  // The library appends a multi-line excerpt of the source; the first line
  // (with its "at line L, column C") is what a person needs.
  const firstLine = error.message.split('\n')[0].replace(/:$/, '');
  return new InputError(`${file}: YAML does not parse: ${firstLine}`);
}

export function parseOne(content: string, file: string): Document {
  const doc = parseDocument(content);
  if (doc.errors.length > 0) {
    throw parseErrorMessage(file, doc.errors[0]);
  }
  return doc;
}

export function parseAll(content: string, file: string): Document[] {
  const docs = parseAllDocuments(content);
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      throw parseErrorMessage(file, doc.errors[0]);
    }
  }
  return docs;
}

/**
 * Follows an alias to the node it names. Editing that node is what changes
 * the value at the alias, and it is the only byte-preserving way to do it.
 */
export function resolveNode(
  doc: Document,
  node: unknown,
): Node | undefined | null {
  if (isAlias(node)) {
    return node.resolve(doc) ?? undefined;
  }
  return node as Node | undefined | null;
}

export function describeNode(node: unknown): string {
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
      return 'a block scalar';
    }
    return node.value === null ? 'null' : 'a scalar';
  }
  return 'missing';
}

/**
 * The value of a scalar as the file spells it. A plain `1.10` is the number
 * 1.1 to YAML, but as an image tag the text is what counts.
 */
export function scalarText(content: string, node: Scalar): string | undefined {
  if (node.value === null || node.value === undefined) {
    return undefined;
  }
  if (node.type === 'PLAIN' && node.range) {
    return content.slice(node.range[0], node.range[1]);
  }
  return String(node.value);
}

function parsesAsString(source: string, value: string, version: '1.1' | '1.2') {
  const doc = parseDocument(source, { version });
  if (doc.errors.length > 0 || doc.warnings.length > 0) {
    return false;
  }
  const contents = doc.contents;
  let item: unknown;
  let count = 0;
  if (isMap(contents)) {
    item = contents.items[0]?.value;
    count = contents.items.length;
  } else if (isSeq(contents)) {
    item = contents.items[0];
    count = contents.items.length;
  }
  return (
    count === 1 &&
    isScalar(item) &&
    item.type === 'PLAIN' &&
    item.value === value
  );
}

/**
 * Whether `value` can be written without quotes and still read back as that
 * exact string. Checked by parsing it in block and flow context under both
 * YAML 1.2 and 1.1, since Kubernetes tooling still resolves 1.1 scalars
 * (`yes`, `0777`, `1:20` are not strings there).
 */
export function isPlainSafe(value: string): boolean {
  if (value === '' || /[\r\n\t]/.test(value) || value.trim() !== value) {
    return false;
  }
  return (['1.2', '1.1'] as const).every(
    version =>
      parsesAsString(`k: ${value}\n`, value, version) &&
      parsesAsString(`[${value}]\n`, value, version) &&
      parsesAsString(`{k: ${value}}\n`, value, version),
  );
}

export function doubleQuoted(value: string): string {
  // A JSON string is a valid YAML double-quoted scalar.
  return JSON.stringify(value);
}

/** `value` as a plain scalar when that is safe, double-quoted otherwise. */
export function plainOrQuoted(value: string): string {
  return isPlainSafe(value) ? value : doubleQuoted(value);
}

/** `value` in the quoting style of `node`, falling back to double quotes. */
function inStyleOf(node: Scalar, value: string): string {
  switch (node.type) {
    case 'QUOTE_DOUBLE':
      return doubleQuoted(value);
    case 'QUOTE_SINGLE':
      return /[\r\n]/.test(value)
        ? doubleQuoted(value)
        : `'${value.replace(/'/g, "''")}'`;
    default:
      return plainOrQuoted(value);
  }
}

export interface Splice {
  start: number;
  end: number;
  text: string;
}

/**
 * The splice that makes `node` hold `value`, or undefined when it already
 * holds exactly that string (so an unchanged value leaves the file alone).
 */
export function scalarSplice(
  node: Scalar,
  value: string,
  describe: () => string,
): Splice | undefined {
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    throw new InputError(
      `${describe()} is a block scalar (| or >); only single-line values can be changed`,
    );
  }
  if (!node.range) {
    throw new Error(`${describe()} has no source position`);
  }
  if (node.value === value) {
    return undefined;
  }
  const [start, end] = node.range;
  // `key:` with nothing after it: the empty value sits right after the colon.
  const text =
    start === end ? ` ${inStyleOf(node, value)}` : inStyleOf(node, value);
  return { start, end, text };
}

/** Applies non-overlapping splices (in any order) to `content`. */
export function applySplices(content: string, splices: Splice[]): string {
  const sorted = [...splices].sort((a, b) => b.start - a.start);
  let result = content;
  let previousStart = Infinity;
  for (const splice of sorted) {
    if (splice.end > previousStart) {
      throw new Error('Overlapping edits to the same YAML text');
    }
    result =
      result.slice(0, splice.start) + splice.text + result.slice(splice.end);
    previousStart = splice.start;
  }
  return result;
}

/** The newline the file already uses, so inserted lines match it. */
export function newlineOf(content: string): string {
  return content.includes('\r\n') ? '\r\n' : '\n';
}

export function lineStart(content: string, position: number): number {
  return content.lastIndexOf('\n', position - 1) + 1;
}

/** The offset of the line break ending the line at `position` (or the end). */
export function lineEnd(content: string, position: number): number {
  const next = content.indexOf('\n', position);
  if (next === -1) {
    return content.length;
  }
  return next > 0 && content[next - 1] === '\r' ? next - 1 : next;
}

export function columnOf(content: string, position: number): number {
  return position - lineStart(content, position);
}

/** Whether only spaces precede `position` on its line. */
export function startsLine(content: string, position: number): boolean {
  return content.slice(lineStart(content, position), position).trim() === '';
}

/**
 * The offset just after the last character of a node's own text, leaving out
 * the line breaks a block scalar or block collection carries at its end.
 */
export function contentEnd(content: string, node: Node): number {
  if (isMap(node) && !node.flow && node.items.length > 0) {
    const last = node.items[node.items.length - 1];
    const tail = (last.value ?? last.key) as Node;
    return contentEnd(content, tail);
  }
  if (isSeq(node) && !node.flow && node.items.length > 0) {
    return contentEnd(content, node.items[node.items.length - 1] as Node);
  }
  let end = node.range![1];
  while (end > 0 && (content[end - 1] === '\n' || content[end - 1] === '\r')) {
    end--;
  }
  return end;
}
