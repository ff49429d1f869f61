import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { lstat, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { GeneratedFile } from '../generate/types';

function safeChild(base: string, path: string, field: string): string {
  try {
    return resolveSafeChildPath(base, path);
  } catch {
    throw new InputError(`${field}: "${path}" is outside the workspace`);
  }
}

/** The folder `targetPath` names, which must stay inside the workspace. */
function targetFolder(workspacePath: string, targetPath: string): string {
  return safeChild(workspacePath, targetPath, 'targetPath');
}

/**
 * Two outputs on one path mean the path templates lack a placeholder (an
 * overlay path without `{env}`, say); writing would silently keep the last.
 */
function checkDistinctPaths(files: GeneratedFile[], fields: string): void {
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
async function checkWritable(
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

async function writeFiles(
  folder: string,
  files: GeneratedFile[],
): Promise<void> {
  for (const file of files) {
    const path = safeChild(folder, file.path, 'targetPath');
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content, 'utf8');
  }
}

/**
 * Writes generated files under targetPath, all or (on any problem) none. `pathFields` names the inputs that set the
 * paths, for the error when two files collide.
 */
export async function writeGenerated(
  ctx: Pick<ActionContext<any>, 'workspacePath' | 'isDryRun' | 'logger'>,
  options: {
    files: GeneratedFile[];
    targetPath: string;
    overwrite: boolean;
    pathFields: string;
  },
): Promise<void> {
  const { files } = options;
  checkDistinctPaths(files, options.pathFields);
  const folder = targetFolder(ctx.workspacePath, options.targetPath);
  await checkWritable(folder, files, options.overwrite);
  // Written in a dry run too: a dry run's workspace is a throwaway folder,
  // and the template editor shows its files, so the author sees what the
  // template generates. Local files only, so no checkpoint: a recovered
  // task starts with a fresh workspace and has to write them again.
  await writeFiles(folder, files);
  ctx.logger.info(
    `${ctx.isDryRun ? 'Dry run: wrote' : 'Wrote'} ${files
      .map(f => f.path)
      .join(', ')}`,
  );
}
