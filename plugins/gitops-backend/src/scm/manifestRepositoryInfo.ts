import { Config } from '@backstage/config';
import { ManifestRepositoryInfo } from '@shipdeck/plugin-gitops-common';
import { isGitLabHost } from './createGitLabRepositoryFactory';

/**
 * The organisation's manifest repository, as templates need it: Shipdeck's
 * id for it and the URL Argo CD Applications name it by. Undefined when no
 * default repository is configured.
 */
export function manifestRepositoryInfo(
  config: Config,
): ManifestRepositoryInfo | undefined {
  const repository = config.getOptionalString('gitops.manifests.repo');
  if (!repository) return undefined;
  const local = repository.startsWith('local:');
  return {
    repository,
    branch: config.getOptionalString('gitops.manifests.branch') ?? 'main',
    // Argo CD names a local repository as Shipdeck does (the emulator reads
    // it by that id) and a hosted one by its clone URL.
    repoURL: local ? repository : `https://${repository}.git`,
    // Decides the UI's words: merge requests on GitLab, pull requests elsewhere.
    provider: providerOf(config, repository),
  };
}

function providerOf(
  config: Config,
  repository: string,
): ManifestRepositoryInfo['provider'] {
  if (repository.startsWith('local:')) return 'local';
  return isGitLabHost(config)(repository.split('/')[0]) ? 'gitlab' : 'github';
}
