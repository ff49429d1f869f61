import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { InputError } from '@backstage/errors';
import { ManifestFile } from '@shipdeck/plugin-gitops-common';

/**
 * Every file under `dir`, with its path relative to it in `/` form. Links
 * are refused rather than followed, so a template cannot publish a file
 * from outside its workspace.
 */
export async function readWorkspaceFiles(
  dir: string,
): Promise<Array<{ path: string; content: string }>> {
  const files: Array<{ path: string; content: string }> = [];
  const walk = async (folder: string) => {
    const entries = await readdir(folder, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = join(folder, entry.name);
      const path = relative(dir, full).split(sep).join('/');
      if (entry.isDirectory()) {
        await walk(full);
      } else if (entry.isFile()) {
        files.push({ path, content: await readFile(full, 'utf8') });
      } else {
        const kind = (await lstat(full)).isSymbolicLink()
          ? 'a link'
          : 'not a file';
        throw new InputError(
          `sourcePath: ${path} is ${kind}; only plain files are published`,
        );
      }
    }
  };
  await walk(dir);
  return files;
}

/**
 * The environment a manifest file belongs to, read from its path the way
 * layouts name them: a folder named after it (`cart/overlays/production/…`,
 * `argocd/production/cart.yaml`, `production/cart/…`) or a file suffix
 * (`values-production.yaml`), spelled as the environment's paths spell it
 * (`prod/` for a pathName of `prod`). Files of no environment (a base) get none.
 */
export function environmentOfPath(
  path: string,
  environments: Array<{ name: string; pathName?: string }>,
): string | undefined {
  const segments = path.split('/');
  const folders = segments.slice(0, -1);
  const stem = segments[segments.length - 1].replace(/\.[^.]*$/, '');
  const spelled = (env: { name: string; pathName?: string }) =>
    env.pathName ?? env.name;
  const matches = environments.filter(env => {
    const word = spelled(env);
    return (
      folders.includes(word) ||
      stem === word ||
      stem.endsWith(`-${word}`) ||
      stem.endsWith(`_${word}`)
    );
  });
  // The innermost folder wins: `overlays/production` under a service named
  // like another environment still belongs to production.
  if (matches.length > 1) {
    const position = (env: { name: string; pathName?: string }) =>
      Math.max(
        folders.lastIndexOf(spelled(env)),
        stem.endsWith(spelled(env)) ? segments.length : -1,
      );
    return matches.sort((a, b) => position(b) - position(a))[0].name;
  }
  return matches[0]?.name;
}

/** Workspace files tagged with their environments, as the backend takes them. */
export function tagEnvironments(
  files: Array<{ path: string; content: string }>,
  environments: Array<{ name: string; pathName?: string }>,
): ManifestFile[] {
  return files.map(file => {
    const environment = environmentOfPath(file.path, environments);
    return environment ? { ...file, environment } : file;
  });
}
