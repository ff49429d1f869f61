import { Readable } from 'node:stream';
import {
  LoggerService,
  RootConfigService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import {
  NotFoundError,
  NotImplementedError,
  NotModifiedError,
} from '@backstage/errors';
import { ManifestRepositories } from '../ManifestRepositories';

/**
 * Backstage URL readers for the files of local manifest repositories, at
 * the links Shipdeck gives them
 * (`<backend>/api/gitops/repositories/local%3A<name>/files/<path>?ref=<branch>`).
 * With them the catalog can register a service whose `catalog-info.yaml` a
 * template published to the embedded default's repository, as it would read
 * one from GitHub. Reads go to Git directly, in-process; nothing is served
 * without authentication.
 *
 * Install in a backend with
 * `createServiceFactory({ service: urlReaderFactoriesServiceRef, deps: {}, factory: () => localRepositoryUrlReaders })`.
 *
 * @public
 */
export function localRepositoryUrlReaders(options: {
  config: RootConfigService;
  logger: LoggerService;
}): Array<{ predicate: (url: URL) => boolean; reader: UrlReaderService }> {
  const { config, logger } = options;
  if (!config.getOptionalConfigArray('gitops.manifests.local')?.length) {
    return [];
  }
  const base = new URL(
    `${config
      .getString('backend.baseUrl')
      .replace(/\/+$/, '')}/api/gitops/repositories/`,
  );
  const repositories = ManifestRepositories.fromConfig(config, { logger });

  const read = async (url: string, etag?: string) => {
    const parsed = new URL(url);
    const rest = parsed.pathname.slice(base.pathname.length);
    const match = /^([^/]+)\/files\/(.+)$/.exec(rest);
    const id = match ? decodeURIComponent(match[1]) : '';
    const repo = repositories.getLocal(id);
    if (!match || !repo) {
      throw new NotFoundError(
        `${url} is not a file of a local manifest repository`,
      );
    }
    const path = match[2].split('/').map(decodeURIComponent).join('/');
    const branch = parsed.searchParams.get('ref') ?? 'main';
    const head = await repo.getHead(branch);
    if (etag === head) {
      throw new NotModifiedError();
    }
    const content = await repo.readFile(head, path);
    if (content === undefined) {
      throw new NotFoundError(`${path} does not exist in ${id}@${branch}`);
    }
    return { content: Buffer.from(content), etag: head };
  };

  const reader: UrlReaderService = {
    async readUrl(url, readOptions) {
      const { content, etag } = await read(url, readOptions?.etag);
      return {
        buffer: async () => content,
        stream: () => Readable.from(content),
        etag,
      };
    },
    async readTree() {
      throw new NotImplementedError(
        'Local manifest repositories are read file by file',
      );
    },
    async search(url, searchOptions) {
      const { content, etag } = await read(url, searchOptions?.etag);
      return { files: [{ url, content: async () => content }], etag };
    },
  };
  return [
    {
      predicate: url =>
        url.origin === base.origin &&
        url.pathname.startsWith(`${base.pathname}local%3A`),
      reader,
    },
  ];
}
