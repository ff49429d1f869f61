import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { git, ZERO_SHA } from './local/git';
import { writeCommit } from './local/writeCommit';

async function exists(path: string) {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter(e => e.isFile())
    .map(e => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}

/**
 * Creates each configured local manifest repository (`gitops.manifests.local`)
 * that does not exist yet: a bare Git repository whose first commit on the
 * configured branch is the seed folder. This is how the embedded default gets
 * a real repository to deploy to; an existing repository is never touched,
 * so restarts keep its history.
 */
export async function seedLocalRepositories(options: {
  config: RootConfigService;
  logger: LoggerService;
}): Promise<void> {
  const { config, logger } = options;
  const branch = config.getOptionalString('gitops.manifests.branch') ?? 'main';
  for (const repo of config.getOptionalConfigArray('gitops.manifests.local') ??
    []) {
    const dir = resolve(repo.getString('path'));
    const seedFrom = repo.getOptionalString('seedFrom');
    if (!seedFrom || (await exists(join(dir, 'HEAD')))) {
      continue;
    }
    await mkdir(dir, { recursive: true });
    await git(dir, ['init', '--quiet', '--bare', '--initial-branch', branch]);
    const seed = resolve(seedFrom);
    const files = await Promise.all(
      (
        await listFiles(seed)
      ).map(async path => ({
        path,
        content: await readFile(join(seed, path), 'utf8'),
      })),
    );
    const sha = await writeCommit(dir, {
      message: 'Seed the demo manifests',
      files,
      author: { name: 'Shipdeck', email: 'shipdeck@localhost' },
    });
    await git(dir, ['update-ref', `refs/heads/${branch}`, sha, ZERO_SHA]);
    logger.info(
      `Created local manifest repository '${repo.getString('name')}' at ${dir}`,
    );
  }
}
