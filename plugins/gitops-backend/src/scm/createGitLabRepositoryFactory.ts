import { Config } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ManifestRepository } from './ManifestRepository';
import { GitLabManifestRepository } from './gitlab/GitLabManifestRepository';

/** Creates GitLab-backed repositories for the hosts it handles. */
export interface GitLabRepositoryFactory {
  /** True for a GitLab host: one under `integrations.gitlab`, or gitlab.com. */
  handles(host: string): boolean;
  create(id: string): ManifestRepository;
}

/** GitLab repositories with credentials from Backstage's `integrations.gitlab` config. */
export function createGitLabRepositoryFactory(
  config: Config,
  logger: LoggerService,
): GitLabRepositoryFactory {
  const isGitLab = isGitLabHost(config);
  return {
    handles: isGitLab,
    create: id => GitLabManifestRepository.fromConfig(id, config, logger),
  };
}

/** A host under `integrations.gitlab`, or gitlab.com: its repositories are on GitLab. */
export function isGitLabHost(config: Config): (host: string) => boolean {
  const hosts = new Set(
    (config.getOptionalConfigArray('integrations.gitlab') ?? []).map(c =>
      c.getString('host'),
    ),
  );
  hosts.add('gitlab.com');
  return host => hosts.has(host);
}
