import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  SHIPDECK_ANNOTATIONS,
  SourceChangesResponse,
} from '@shipdeck/plugin-gitops-common';
import { ManifestRepository } from '../scm/ManifestRepository';
import { readEntity } from './catalogEntities';
import { SourceChangesService } from './SourceChangesService';
import { versionRefCandidates } from './sourceVersions';

/** Commits the dialogs list; the answer says how many more there are. */
export const SOURCE_CHANGES_LIMIT = 50;

/** An image tag (Docker's grammar) or a digest: nothing Git would read as an option. */
const VERSION = /^(?:[\w][\w.-]{0,127}|sha256:[a-f0-9]{64})$/;

/**
 * Lists the source commits between two versions through the source
 * repository's host (GitHub compare, `git log` for a local repository).
 * Versions map to commits by the rule in `sourceVersions.ts`.
 */
export class DefaultSourceChangesService implements SourceChangesService {
  static create(options: {
    catalog: CatalogService;
    /** The repository behind a `shipdeck.io/source-repo` value. */
    repository: (id: string) => ManifestRepository;
    /** `gitops.sourceVersionTemplate`, default `{sha}`. */
    sourceVersionTemplate?: string;
  }) {
    return new DefaultSourceChangesService(
      options.catalog,
      options.repository,
      options.sourceVersionTemplate ?? '{sha}',
    );
  }

  private constructor(
    private readonly catalog: CatalogService,
    private readonly repository: (id: string) => ManifestRepository,
    private readonly template: string,
  ) {}

  async getSourceChanges(
    ref: CompoundEntityRef,
    versions: { from: string; to: string },
    options: { credentials: BackstageCredentials },
  ): Promise<SourceChangesResponse> {
    for (const key of ['from', 'to'] as const) {
      if (!VERSION.test(versions[key])) {
        throw new InputError(
          `${key}: '${versions[key]}' is not a version (an image tag or a sha256 digest)`,
        );
      }
    }
    const entity = await readEntity(this.catalog, ref, options);
    const source =
      entity.metadata.annotations?.[SHIPDECK_ANNOTATIONS.sourceRepo] ?? '';
    const answer = { repository: source, ...versions, commits: [], total: 0 };
    const unavailable = (reason: string): SourceChangesResponse => ({
      ...answer,
      available: false,
      reason,
    });
    if (!source) {
      return unavailable(
        `No ${SHIPDECK_ANNOTATIONS.sourceRepo} annotation: Shipdeck does not know where the source is`,
      );
    }
    let repo: ManifestRepository;
    try {
      repo = this.repository(source);
    } catch (error) {
      return unavailable(`Source repository ${source}: ${errorText(error)}`);
    }
    if (!repo.compareCommits) {
      return unavailable(`Source repository ${source} cannot list commits`);
    }
    const [fromRef, toRef] = await Promise.all([
      this.#resolve(repo, versions.from),
      this.#resolve(repo, versions.to),
    ]);
    const missing = [
      ...(fromRef ? [] : [versions.from]),
      ...(toRef ? [] : [versions.to]),
    ];
    if (!fromRef || !toRef) {
      return unavailable(
        `No commit found for ${missing.join(
          ' and ',
        )} in ${source} (a version is found as the tag v<version> or <version>, or as the commit gitops.sourceVersionTemplate made it from)`,
      );
    }
    try {
      const compared = await repo.compareCommits(
        fromRef,
        toRef,
        SOURCE_CHANGES_LIMIT,
      );
      return { ...answer, available: true, fromRef, toRef, ...compared };
    } catch (error) {
      if ((error as Error).name === 'NotFoundError') {
        return unavailable(errorText(error));
      }
      throw error;
    }
  }

  /** The first ref a version stands for that the repository has. */
  async #resolve(
    repo: ManifestRepository,
    version: string,
  ): Promise<string | undefined> {
    for (const candidate of versionRefCandidates(version, this.template)) {
      if (candidate.kind === 'commit') return candidate.ref;
      try {
        await repo.resolveTag(candidate.ref);
        return candidate.ref;
      } catch (error) {
        if ((error as Error).name !== 'NotFoundError') throw error;
      }
    }
    return undefined;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
