import { resolve } from 'node:path';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ManifestRepository } from './ManifestRepository';
import { LocalGitManifestRepository } from './local/LocalGitManifestRepository';
import {
  createGitLabRepositoryFactory,
  GitLabRepositoryFactory,
} from './createGitLabRepositoryFactory';

/** Creates GitHub-backed repositories; kept behind a function so tests and the
 * embedded default do not need GitHub. */
export type GitHubRepositoryFactory = (id: string) => ManifestRepository;

/**
 * Turns a repository id from config or annotations into a
 * {@link ManifestRepository}: `local:<name>` is a configured repository on
 * disk, an id on a GitLab host (`integrations.gitlab`, or gitlab.com) goes
 * to GitLab (`<host>/<group>[/<subgroup>…]/<project>`), anything else
 * (`github.com/<owner>/<repo>`, or a GitHub Enterprise host) to GitHub.
 * Instances are cached per id.
 */
export class ManifestRepositories {
  readonly #cache = new Map<string, ManifestRepository>();

  static fromConfig(
    config: Config,
    options: {
      logger: LoggerService;
      github?: GitHubRepositoryFactory;
      /** Default: from `integrations.gitlab`. */
      gitlab?: GitLabRepositoryFactory;
      webBaseUrl?: string;
    },
  ) {
    const local = new Map<string, string>();
    for (const repo of config.getOptionalConfigArray(
      'gitops.manifests.local',
    ) ?? []) {
      local.set(repo.getString('name'), resolve(repo.getString('path')));
    }
    return new ManifestRepositories(
      local,
      options.github,
      options.gitlab ?? createGitLabRepositoryFactory(config, options.logger),
      options.webBaseUrl,
    );
  }

  private constructor(
    private readonly local: Map<string, string>,
    private readonly github: GitHubRepositoryFactory | undefined,
    private readonly gitlab: GitLabRepositoryFactory,
    private readonly webBaseUrl: string | undefined,
  ) {}

  /** A configured local repository, for the read-only routes that back its links. */
  getLocal(id: string): LocalGitManifestRepository | undefined {
    if (
      !id.startsWith('local:') ||
      !this.local.has(id.slice('local:'.length))
    ) {
      return undefined;
    }
    return this.get(id) as LocalGitManifestRepository;
  }

  get(id: string): ManifestRepository {
    let repo = this.#cache.get(id);
    if (!repo) {
      repo = this.#create(id);
      this.#cache.set(id, repo);
    }
    return repo;
  }

  #create(id: string): ManifestRepository {
    if (id.startsWith('local:')) {
      const name = id.slice('local:'.length);
      const dir = this.local.get(name);
      if (!dir) {
        throw new InputError(
          `Manifest repository ${id} is not configured; add it under gitops.manifests.local`,
        );
      }
      return new LocalGitManifestRepository(id, dir, {
        webBaseUrl:
          this.webBaseUrl &&
          `${this.webBaseUrl}/repositories/${encodeURIComponent(id)}`,
      });
    }
    if (this.gitlab.handles(id.split('/')[0])) {
      if (!/^[\w.-]+(:\d+)?(\/[\w.-]+){2,}$/.test(id)) {
        throw new InputError(
          `Manifest repository '${id}' is neither local:<name> nor <host>/<group>[/<subgroup>…]/<project>`,
        );
      }
      return this.gitlab.create(id);
    }
    if (!/^[\w.-]+(:\d+)?\/[\w.-]+\/[\w.-]+$/.test(id)) {
      throw new InputError(
        `Manifest repository '${id}' is neither local:<name> nor <host>/<owner>/<repo>`,
      );
    }
    if (!this.github) {
      throw new InputError(
        `Manifest repository ${id} needs the GitHub integration`,
      );
    }
    return this.github(id);
  }
}
