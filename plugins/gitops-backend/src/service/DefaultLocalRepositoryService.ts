import { Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ManifestRepositories } from '../scm/ManifestRepositories';
import { TargetResolver } from '../targets/TargetResolver';
import { LocalRepositoryService } from './LocalRepositoryService';

type Options = Parameters<LocalRepositoryService['showCommit']>[2];

/**
 * Reads of local manifest repositories, checked per entity like the other
 * reads: the catalog answers with the caller's credentials, and the
 * repository is readable when one of the entities the caller may read
 * deploys from it. Otherwise the answer is the 404 of an unknown
 * repository, so a repository's existence is not told either.
 */
export class DefaultLocalRepositoryService implements LocalRepositoryService {
  static create(options: {
    catalog: CatalogService;
    targets: TargetResolver;
    repositories: ManifestRepositories;
  }): DefaultLocalRepositoryService {
    return new DefaultLocalRepositoryService(
      options.catalog,
      options.targets,
      options.repositories,
    );
  }

  private constructor(
    private readonly catalog: CatalogService,
    private readonly targets: Pick<TargetResolver, 'isManaged' | 'resolve'>,
    private readonly repositories: Pick<ManifestRepositories, 'getLocal'>,
  ) {}

  async showCommit(repository: string, sha: string, options: Options) {
    const repo = await this.#readable(repository, options);
    return repo.showCommit(sha);
  }

  async readFile(
    repository: string,
    path: string,
    branch: string,
    options: Options,
  ) {
    const repo = await this.#readable(repository, options);
    const content = await repo.readFile(await repo.getHead(branch), path);
    if (content === undefined) {
      throw new NotFoundError(
        `${path} does not exist in ${repository}@${branch}`,
      );
    }
    return content;
  }

  async getPullRequest(repository: string, number: number, options: Options) {
    const repo = await this.#readable(repository, options);
    const pull = (await repo.listPullRequests()).find(p => p.number === number);
    if (!pull) {
      throw new NotFoundError(`No pull request #${number} in ${repository}`);
    }
    return pull;
  }

  async #readable(repository: string, options: Options) {
    const repo = this.repositories.getLocal(repository);
    if (repo) {
      const { items } = await this.catalog.getEntities(
        { filter: { kind: 'component' } },
        options,
      );
      if (items.some(entity => this.#deploysFrom(entity, repository))) {
        return repo;
      }
    }
    throw new NotFoundError(`No local manifest repository ${repository}`);
  }

  #deploysFrom(entity: Entity, repository: string): boolean {
    if (!this.targets.isManaged(entity)) return false;
    try {
      return this.targets
        .resolve(entity)
        .some(target => target.manifest.repo === repository);
    } catch {
      // An entity whose annotations do not resolve deploys from nowhere.
      return false;
    }
  }
}
