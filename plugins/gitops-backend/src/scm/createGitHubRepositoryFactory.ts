import { Config } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import { GitHubManifestRepository } from './github/GitHubManifestRepository';
import { GitHubRepositoryFactory } from './ManifestRepositories';

/** GitHub repositories with credentials from Backstage's `integrations.github` config. */
export function createGitHubRepositoryFactory(
  config: Config,
  logger: LoggerService,
): GitHubRepositoryFactory {
  return id => GitHubManifestRepository.fromConfig(id, config, logger);
}
