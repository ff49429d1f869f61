import { InputError } from '@backstage/errors';
import { Document, isMap, isScalar, isSeq, Node, Scalar } from 'yaml';
import {
  isDigest,
  sameImage,
  validateVersion,
  versionOf,
  versionStart,
} from './imageRef';
import {
  applySplices,
  parseAll,
  resolveNode,
  scalarSplice,
  Splice,
} from './yamlText';

export interface ContainerImageOptions {
  /** Shown in error messages. */
  file: string;
  /** The image name to look for; its tag or digest is ignored. */
  image: string;
}

const TEMPLATE_SPEC = ['spec', 'template', 'spec'];

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  Deployment: TEMPLATE_SPEC,
  StatefulSet: TEMPLATE_SPEC,
  DaemonSet: TEMPLATE_SPEC,
  ReplicaSet: TEMPLATE_SPEC,
  Job: TEMPLATE_SPEC,
  // Argo Rollouts; one that points at a Deployment (workloadRef) has no template.
  Rollout: TEMPLATE_SPEC,
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  Pod: ['spec'],
};

const CONTAINER_LISTS = ['containers', 'initContainers'];

function get(doc: Document, node: unknown, key: string): Node | undefined {
  if (!isMap(node)) return undefined;
  const pair = node.items.find(
    item => isScalar(item.key) && item.key.value === key,
  );
  return resolveNode(doc, pair?.value) ?? undefined;
}

/** The `image:` scalars of every container of every workload, in file order. */
function containerImages(
  content: string,
  { file, image }: ContainerImageOptions,
): Scalar<string>[] {
  const found: Scalar<string>[] = [];
  for (const doc of parseAll(content, file)) {
    const root = resolveNode(doc, doc.contents);
    const kind = get(doc, root, 'kind');
    if (!isScalar(kind) || typeof kind.value !== 'string') continue;
    const path = POD_SPEC_PATHS[kind.value];
    if (!path) continue;
    let podSpec: unknown = root;
    for (const key of path) {
      podSpec = get(doc, podSpec, key);
    }
    for (const list of CONTAINER_LISTS) {
      const containers = get(doc, podSpec, list);
      if (!isSeq(containers)) continue;
      for (const item of containers.items) {
        const value = get(doc, resolveNode(doc, item), 'image');
        if (
          isScalar(value) &&
          typeof value.value === 'string' &&
          sameImage(value.value, image) &&
          // An alias can reach one anchored image twice; edit it once.
          !found.includes(value as Scalar<string>)
        ) {
          found.push(value as Scalar<string>);
        }
      }
    }
  }
  return found;
}

/** The full image references of the matching containers, in file order. */
export function readContainerImages(
  content: string,
  options: ContainerImageOptions,
): string[] {
  return containerImages(content, options).map(node => node.value);
}

/**
 * Points every container running the image at `version`, across all
 * documents: the name stays as written and only the `:tag`/`@digest` after
 * it changes, so a Deployment and its CronJob can't drift apart.
 */
export function setContainerImages(
  content: string,
  options: ContainerImageOptions & { version: string },
): { content: string; previous?: string } {
  const { file, image, version } = options;
  validateVersion(version, file);
  const nodes = containerImages(content, options);
  if (nodes.length === 0) {
    throw new InputError(`${file} has no container with image ${image}`);
  }
  const separator = isDigest(version) ? '@' : ':';
  const splices: Splice[] = [];
  for (const node of nodes) {
    const name = node.value.slice(0, versionStart(node.value));
    const splice = scalarSplice(
      node,
      `${name}${separator}${version}`,
      () => `${file}: image ${node.value}`,
    );
    if (splice) splices.push(splice);
  }
  const updated = applySplices(content, splices);
  const after = readContainerImages(updated, options);
  if (
    after.length !== nodes.length ||
    after.some(ref => !ref.endsWith(`${separator}${version}`))
  ) {
    throw new Error(`${file}: setting ${image} to ${version} did not take`);
  }
  const previous = versionOf(nodes[0].value);
  return { content: updated, ...(previous !== undefined && { previous }) };
}

/** The tag or digest of the first matching container, as written. */
export function readContainerVersion(
  content: string,
  options: ContainerImageOptions,
): string | undefined {
  const [first] = readContainerImages(content, options);
  if (first === undefined) {
    throw new InputError(
      `${options.file} has no container with image ${options.image}`,
    );
  }
  return versionOf(first);
}

/** A manifest file's path and content. */
export interface ManifestText {
  path: string;
  content: string;
}

/** Each file that runs the image, with the versions its containers have. */
function versionsByFile(files: ManifestText[], image: string) {
  return files
    .map(file => ({
      path: file.path,
      versions: readContainerImages(file.content, {
        file: file.path,
        image,
      }).map(versionOf),
    }))
    .filter(file => file.versions.length > 0);
}

function noContainer(where: string, image: string): InputError {
  return new InputError(
    `No file of ${where} has a container with image ${image}`,
  );
}

/**
 * The version the files of a folder or glob (`where`) deploy. Files without
 * the image (a Service, a ConfigMap) are skipped; every container that runs
 * it must have the same version, because promoting a disagreement would
 * copy one side of it blindly.
 */
export function readFilesVersion(
  files: ManifestText[],
  { where, image }: { where: string; image: string },
): string | undefined {
  const running = versionsByFile(files, image);
  if (running.length === 0) {
    throw noContainer(where, image);
  }
  const distinct = new Set(running.flatMap(f => f.versions));
  if (distinct.size > 1) {
    throw new InputError(
      `The files of ${where} disagree on the version of ${image}: ${running
        .map(
          f => `${f.path} has ${f.versions.map(v => v ?? 'no tag').join(', ')}`,
        )
        .join('; ')}. Deploy one version to align them.`,
    );
  }
  return [...distinct][0];
}

/**
 * Points every container running the image in every file at `version`
 * (setContainerImages per file), skipping files without it. Returns the
 * files it changed; `previous` is the first file's version, so a deploy
 * also ends a disagreement between files.
 */
export function setFilesImages(
  files: ManifestText[],
  options: { where: string; image: string; version: string },
): { changed: ManifestText[]; previous?: string } {
  const { where, image, version } = options;
  validateVersion(version, where);
  const running = new Set(versionsByFile(files, image).map(f => f.path));
  if (running.size === 0) {
    throw noContainer(where, image);
  }
  let previous: string | undefined;
  const changed: ManifestText[] = [];
  for (const file of files.filter(f => running.has(f.path))) {
    const result = setContainerImages(file.content, {
      file: file.path,
      image,
      version,
    });
    previous ??= result.previous;
    if (result.content !== file.content) {
      changed.push({ path: file.path, content: result.content });
    }
  }
  return { changed, ...(previous !== undefined && { previous }) };
}
