import { posix } from 'node:path';
import { InputError } from '@backstage/errors';
import { ManifestLocation } from '@shipdeck/plugin-gitops-common';

/**
 * The files a target's manifest location covers: one file, or (raw-image
 * only) the YAML files of a folder or those a glob matches, which one
 * deployment edits together.
 */
export type ManifestFiles =
  | { kind: 'file'; path: string }
  | {
      kind: 'folder' | 'glob';
      /** The folder or glob as configured, for messages. */
      path: string;
      /** The folder whose files (recursively) are candidates. */
      base: string;
      matches: (file: string) => boolean;
    };

const YAML = /\.ya?ml$/i;
const GLOB = /[*?]/;

/**
 * `*` and `?` stand for characters within one path segment, a `**` segment
 * for any number of folders; everything else matches itself.
 */
function globPattern(glob: string): RegExp {
  const segments = glob.split('/').map(segment =>
    segment === '**'
      ? '(?:[^/]+/)*'
      : `${segment
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '[^/]')}/`,
  );
  return new RegExp(`^${segments.join('').replace(/\/$/, '')}$`);
}

/**
 * Where a strategy reads and writes. A kustomize location may name the
 * overlay folder (the usual `{service}/overlays/{env}`), which means its
 * kustomization.yaml; helm-values edits exactly the file named; raw-image
 * edits the file named, the YAML files directly in a folder (not its
 * subfolders, like an Argo CD directory source), or the files a glob matches.
 */
export function manifestFiles(manifest: ManifestLocation): ManifestFiles {
  const { path, strategy } = manifest;
  const glob = GLOB.test(path);
  if (glob && strategy !== 'raw-image') {
    throw new InputError(
      `The ${strategy} strategy edits one file, but ${manifest.repo} path '${path}' is a glob; only raw-image edits several files`,
    );
  }
  if (glob) {
    const segments = path.split('/');
    const fixed = segments.findIndex(s => GLOB.test(s));
    const pattern = globPattern(path);
    return {
      kind: 'glob',
      path,
      base: segments.slice(0, fixed).join('/'),
      matches: file => pattern.test(file),
    };
  }
  if (YAML.test(path)) {
    return { kind: 'file', path };
  }
  if (strategy === 'kustomize-images') {
    return {
      kind: 'file',
      path: path ? `${path}/kustomization.yaml` : 'kustomization.yaml',
    };
  }
  if (strategy === 'raw-image') {
    return {
      kind: 'folder',
      path,
      base: path,
      matches: file => YAML.test(file) && posix.dirname(file) === (path || '.'),
    };
  }
  throw new InputError(
    `The ${strategy} strategy edits one YAML file, but ${manifest.repo} path '${path}' is not a .yaml file`,
  );
}

/**
 * The files of a folder or glob among those a commit has under its base
 * folder, sorted; an InputError naming the path when there are none, so
 * nothing is written for a location that does not exist.
 */
export function selectManifestFiles(
  files: ManifestFiles,
  listed: string[],
  where: string,
): string[] {
  if (files.kind === 'file') {
    return [files.path];
  }
  const selected = listed.filter(files.matches).sort();
  if (selected.length) {
    return selected;
  }
  if (files.kind === 'glob') {
    throw new InputError(`No file matches '${files.path}' in ${where}`);
  }
  throw new InputError(
    listed.length
      ? `Folder '${files.path}' has no .yaml files in ${where}`
      : `Folder '${files.path}' does not exist in ${where}`,
  );
}
