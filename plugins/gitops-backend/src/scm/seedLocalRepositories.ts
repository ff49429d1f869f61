import { execFile } from 'node:child_process';
import { cp, mkdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';

const exec = promisify(execFile);

async function exists(path: string) {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Creates each configured local manifest repository (`gitops.manifests.local`)
 * that does not exist yet, as one commit of its seed folder on `main`. This
 * is how the embedded default gets a real Git repository to deploy to; an
 * existing repository is never touched, so restarts keep its history.
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
    if (!seedFrom || (await exists(resolve(dir, '.git')))) {
      continue;
    }
    await mkdir(dir, { recursive: true });
    await cp(resolve(seedFrom), dir, { recursive: true });
    const git = (...args: string[]) =>
      exec('git', [
        '-C',
        dir,
        '-c',
        'user.name=Shipdeck',
        '-c',
        'user.email=shipdeck@localhost',
        '-c',
        'commit.gpgsign=false',
        ...args,
      ]);
    await git('init', '--quiet', '--initial-branch', branch);
    await git('add', '--all');
    await git('commit', '--quiet', '-m', 'Seed the demo manifests');
    logger.info(
      `Created local manifest repository '${repo.getString('name')}' at ${dir}`,
    );
  }
}
