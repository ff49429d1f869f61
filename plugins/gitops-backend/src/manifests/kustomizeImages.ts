import { InputError } from '@backstage/errors';
import {
  Document,
  isMap,
  isScalar,
  isSeq,
  Pair,
  Scalar,
  YAMLMap,
  YAMLSeq,
} from 'yaml';
import { imageName, isDigest, sameImage, validateVersion } from './imageRef';
import {
  applySplices,
  columnOf,
  contentEnd,
  describeNode,
  doubleQuoted,
  lineEnd,
  lineStart,
  newlineOf,
  parseOne,
  plainOrQuoted,
  resolveNode,
  scalarSplice,
  scalarText,
  Splice,
  startsLine,
} from './yamlText';

export interface KustomizeImageOptions {
  /** Shown in error messages. */
  file: string;
  /** The image name the `images:` entry is for; its tag or digest is ignored. */
  image: string;
}

export interface KustomizeImageVersion {
  newTag?: string;
  digest?: string;
}

type VersionKey = 'newTag' | 'digest';

function pairOf(entry: YAMLMap, key: string): Pair | undefined {
  return entry.items.find(pair => isScalar(pair.key) && pair.key.value === key);
}

function stringValue(
  doc: Document,
  content: string,
  entry: YAMLMap,
  key: string,
  file: string,
): { pair: Pair; node: Scalar; text?: string } | undefined {
  const pair = pairOf(entry, key);
  if (!pair) return undefined;
  const node = resolveNode(doc, pair.value);
  if (!isScalar(node)) {
    throw new InputError(
      `${file}: images entry ${key} is ${describeNode(
        node,
      )}, not a single value`,
    );
  }
  return { pair, node, text: scalarText(content, node) };
}

function imagesSeq(doc: Document, file: string) {
  const root = resolveNode(doc, doc.contents);
  if (root === null || root === undefined) {
    return { root: undefined, images: undefined };
  }
  if (!isMap(root)) {
    throw new InputError(
      `${file}: a kustomization is a map, but this file holds ${describeNode(
        root,
      )}`,
    );
  }
  const pair = pairOf(root, 'images');
  if (!pair) return { root, images: undefined };
  const images = resolveNode(doc, pair.value);
  if (isSeq(images) || (isScalar(images) && images.value === null)) {
    return { root, images, imagesPair: pair };
  }
  throw new InputError(
    `${file}: images is ${describeNode(images)}, not a list`,
  );
}

/**
 * The `images:` entry for the image. An exact name wins; otherwise the name
 * must match just one entry, since kustomize would apply each of them.
 */
function findEntry(
  doc: Document,
  images: YAMLSeq | Scalar | undefined,
  { file, image }: KustomizeImageOptions,
): YAMLMap | undefined {
  if (!isSeq(images)) return undefined;
  const wanted = imageName(image);
  const matches: Array<{ entry: YAMLMap; name: string }> = [];
  for (const item of images.items) {
    const entry = resolveNode(doc, item);
    if (!isMap(entry)) continue;
    const name = resolveNode(doc, pairOf(entry, 'name')?.value);
    if (isScalar(name) && typeof name.value === 'string') {
      if (sameImage(name.value, wanted)) {
        matches.push({ entry, name: name.value });
      }
    }
  }
  const exact = matches.find(match => match.name === wanted);
  if (exact) return exact.entry;
  if (matches.length > 1) {
    throw new InputError(
      `${file}: images has several entries for ${image} (${matches
        .map(match => match.name)
        .join(', ')}); name it exactly as one of them`,
    );
  }
  return matches[0]?.entry;
}

export function readKustomizeImage(
  content: string,
  options: KustomizeImageOptions,
): KustomizeImageVersion | undefined {
  const doc = parseOne(content, options.file);
  const entry = findEntry(doc, imagesSeq(doc, options.file).images, options);
  if (!entry) return undefined;
  const newTag = stringValue(doc, content, entry, 'newTag', options.file)?.text;
  const digest = stringValue(doc, content, entry, 'digest', options.file)?.text;
  return {
    ...(newTag !== undefined && { newTag }),
    ...(digest !== undefined && { digest }),
  };
}

// Tags are quoted because kustomize reads newTag as a string and a plain
// `1.10` would be the number 1.1; digests never need it.
function versionText(key: VersionKey, version: string): string {
  return key === 'newTag' ? doubleQuoted(version) : plainOrQuoted(version);
}

/** Removes a `key: value` line of a block map. */
function removePair(content: string, pair: Pair, entry: YAMLMap): Splice {
  const key = pair.key as Scalar;
  const start = key.range![0];
  const valueEnd = contentEnd(content, (pair.value ?? key) as Scalar);
  if (startsLine(content, start)) {
    const from = lineStart(content, start);
    const end = lineEnd(content, valueEnd);
    const to =
      content.indexOf('\n', end) === -1 ? end : content.indexOf('\n', end) + 1;
    return { start: from, end: to, text: '' };
  }
  // The first key of a `- key: value` item: the next key moves up after the dash.
  const next = entry.items[entry.items.indexOf(pair) + 1];
  return { start, end: (next.key as Scalar).range![0], text: '' };
}

function setInEntry(
  doc: Document,
  content: string,
  entry: YAMLMap,
  key: VersionKey,
  version: string,
  file: string,
): { splices: Splice[]; previous?: string } {
  const other: VersionKey = key === 'newTag' ? 'digest' : 'newTag';
  const own = stringValue(doc, content, entry, key, file);
  const stale = stringValue(doc, content, entry, other, file);
  // kustomize uses the digest when both are set, so that is what ran before.
  const previous =
    stale?.text !== undefined && other === 'digest'
      ? stale.text
      : own?.text ?? stale?.text;
  const describe = () => `${file}: images entry ${key}`;

  if (own) {
    const splices: Splice[] = [];
    const splice = scalarSplice(own.node, version, describe);
    if (splice) splices.push(splice);
    if (stale) {
      if (entry.flow) {
        throw new InputError(
          `${file}: the images entry is in flow style ({...}); removing its ${other} is not supported, edit it by hand`,
        );
      }
      splices.push(removePair(content, stale.pair, entry));
    }
    return { splices, previous };
  }

  if (stale) {
    // Only the other kind of version is set: rename the key in place, a
    // one-line change that works in flow style too.
    const staleKey = stale.pair.key as Scalar;
    const valueSplice = scalarSplice(stale.node, version, describe) ?? {
      start: stale.node.range![0],
      end: stale.node.range![1],
      text: content.slice(stale.node.range![0], stale.node.range![1]),
    };
    return {
      splices: [
        { start: staleKey.range![0], end: staleKey.range![1], text: key },
        valueSplice,
      ],
      previous,
    };
  }

  if (entry.flow) {
    throw new InputError(
      `${file}: the images entry is in flow style ({...}); adding ${key} to it is not supported, add it by hand`,
    );
  }
  const nameKey = pairOf(entry, 'name')!.key as Scalar;
  const nameLineEnd = lineEnd(
    content,
    contentEnd(content, pairOf(entry, 'name')!.value as Scalar),
  );
  const indent = ' '.repeat(columnOf(content, nameKey.range![0]));
  return {
    splices: [
      {
        start: nameLineEnd,
        end: nameLineEnd,
        text: `${newlineOf(content)}${indent}${key}: ${versionText(
          key,
          version,
        )}`,
      },
    ],
  };
}

/** Lines for a new `- name: … / newTag: …` item, each ending in a newline. */
function entryLines(
  content: string,
  dashColumn: number,
  keyOffset: number,
  image: string,
  key: VersionKey,
  version: string,
): string {
  const nl = newlineOf(content);
  return (
    `${' '.repeat(dashColumn)}-${' '.repeat(
      keyOffset - 1,
    )}name: ${plainOrQuoted(imageName(image))}${nl}` +
    `${' '.repeat(dashColumn + keyOffset)}${key}: ${versionText(
      key,
      version,
    )}${nl}`
  );
}

/** How far the files' lists indent `- ` under their key, 2 if it has none. */
function listIndent(content: string, root: YAMLMap | undefined): number {
  for (const pair of root?.items ?? []) {
    if (isSeq(pair.value) && !pair.value.flow && isScalar(pair.key)) {
      return (
        columnOf(content, pair.value.range![0]) -
        columnOf(content, pair.key.range![0])
      );
    }
  }
  return 2;
}

function appendEntry(
  content: string,
  images: YAMLSeq,
  options: KustomizeImageOptions,
  key: VersionKey,
  version: string,
): Splice {
  if (images.flow) {
    throw new InputError(
      `${options.file}: images is in flow style ([...]); adding an entry for ${options.image} is not supported, add it by hand`,
    );
  }
  const dashColumn = columnOf(content, images.range![0]);
  const first = images.items[0];
  // Follow the existing items: `- name` or `-   name`.
  const keyOffset =
    isMap(first) && !first.flow
      ? Math.max(2, columnOf(content, first.range![0]) - dashColumn)
      : 2;
  const last = images.items[images.items.length - 1] as Scalar;
  const at = lineEnd(content, contentEnd(content, last));
  const nl = newlineOf(content);
  const lines = entryLines(
    content,
    dashColumn,
    keyOffset,
    options.image,
    key,
    version,
  );
  return { start: at, end: at, text: nl + lines.slice(0, -nl.length) };
}

/**
 * Points the `images:` entry for an image at a tag or digest, adding the
 * entry (or the whole `images:` list) when the kustomization has none.
 */
export function setKustomizeImage(
  content: string,
  options: KustomizeImageOptions & { version: string },
): { content: string; previous?: string } {
  const { file, version } = options;
  validateVersion(version, file);
  const key: VersionKey = isDigest(version) ? 'digest' : 'newTag';
  const doc = parseOne(content, file);
  const { root, images, imagesPair } = imagesSeq(doc, file);
  const entry = findEntry(doc, images, options);

  let result: { splices: Splice[]; previous?: string };
  if (entry) {
    result = setInEntry(doc, content, entry, key, version, file);
  } else if (isSeq(images)) {
    result = { splices: [appendEntry(content, images, options, key, version)] };
  } else if (imagesPair && isScalar(images)) {
    // `images:` with nothing under it yet.
    if (images.range![0] !== images.range![1]) {
      throw new InputError(`${file}: images is null, not a list`);
    }
    const keyNode = imagesPair.key as Scalar;
    const keyColumn = columnOf(content, keyNode.range![0]);
    const at = lineEnd(content, images.range![1]);
    const nl = newlineOf(content);
    const lines = entryLines(
      content,
      keyColumn + listIndent(content, root),
      2,
      options.image,
      key,
      version,
    );
    result = {
      splices: [{ start: at, end: at, text: nl + lines.slice(0, -nl.length) }],
    };
  } else {
    if (root?.flow) {
      throw new InputError(
        `${file}: the kustomization is in flow style ({...}); adding images to it is not supported, add it by hand`,
      );
    }
    const nl = newlineOf(content);
    const separator = content === '' || content.endsWith('\n') ? '' : nl;
    const column = root ? columnOf(content, root.range![0]) : 0;
    const lines = entryLines(
      content,
      column + listIndent(content, root),
      2,
      options.image,
      key,
      version,
    );
    result = {
      splices: [
        {
          start: content.length,
          end: content.length,
          text: `${separator}${' '.repeat(column)}images:${nl}${lines}`,
        },
      ],
    };
  }

  const updated = applySplices(content, result.splices);
  const check = readKustomizeImage(updated, options);
  const other: VersionKey = key === 'newTag' ? 'digest' : 'newTag';
  if (check?.[key] !== version || check[other] !== undefined) {
    throw new Error(
      `${file}: setting ${options.image} to ${version} did not take`,
    );
  }
  return {
    content: updated,
    ...(result.previous !== undefined && { previous: result.previous }),
  };
}
