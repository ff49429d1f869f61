import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { lstat, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { GeneratedFile } from '../generate/types';

function safeChild(base: string, path: string, field: string): string {
  try {
    return resolveSafeChildPath(base, path);
  } catch {
    throw new InputError(`${field}: "${path}" is outside the workspace`);
  }
}

/** The folder `targetPath` names, which must stay inside the workspace. */
export function targetFolder(workspacePath: string, targetPath: string): string {
  return safeChild(workspacePath, targetPath, 'targetPath');
}

/**
 * Two outputs on one path mean the path templates lack a placeholder (an
 * overlay path without `{env}`, say); writing would silently keep the last.
 */
export function checkDistinctPaths(files: GeneratedFile[], fields: string): void {
  const seen = new Set<string>();
  for (const { path } of files) {
    if (seen.has(path)) {
      throw new InputError(
        `${fields}: two generated files would both be ${path}; give each environment its own path (use {env})`,
      );
    }
    seen.add(path);
  }
}

async function kindAt(path: string) {
  try {
    return (await lstat(path)).isFile() ? 'file' : 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
    throw error;
  }
}

/**
 * Refuses before anything is written: files that exist (unless overwrite),
 * and paths that are folders or links, or lead out of the workspace.
 */
export async function checkWritable(
  folder: string,
  files: GeneratedFile[],
  overwrite: boolean,
): Promise<void> {
  const existing: string[] = [];
  for (const file of files) {
    const path = safeChild(folder, file.path, 'targetPath');
    const kind = await kindAt(path);
    if (kind === 'other') {
      throw new InputError(
        `targetPath: ${file.path} exists and is not a plain file; it cannot be replaced`,
      );
    }
    if (kind === 'file') existing.push(file.path);
  }
  if (existing.length > 0 && !overwrite) {
    throw new InputError(
      `overwrite: ${existing.join(
        ', ',
      )} already exist in the workspace; set overwrite: true to replace them`,
    );
  }
}

export async function writeFiles(
  folder: string,
  files: GeneratedFile[],
): Promise<void> {
  for (const file of files) {
    const path = safeChild(folder, file.path, 'targetPath');
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content, 'utf8');
  }
}
