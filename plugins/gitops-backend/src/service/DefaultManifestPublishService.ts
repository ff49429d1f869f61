import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { randomUUID } from 'node:crypto';
import {
  CompoundEntityRef,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { ConflictError, InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ManifestPublishOutcome,
  ManifestPublishPreview,
  PublishedFile,
  SHIPDECK_ANNOTATIONS,
} from '@shipdeck/plugin-gitops-common';
import { parseAllDocuments } from 'yaml';
import { DeploymentStore, NewDeployment } from '../database/DeploymentStore';
import { readVersionIn } from '../manifests/strategies';
import { ManifestRepositories } from '../scm/ManifestRepositories';
import {
  DeploymentNotifier,
  signalOf,
  silentNotifier,
} from '../signals/DeploymentNotifier';
import { manifestFiles, selectManifestFiles } from '../targets/manifestFile';
import { FileChange } from '../scm/ManifestRepository';
import { TargetResolver } from '../targets/TargetResolver';
import { actorOf } from './catalogEntities';
import { ChangeSetWriter, editTarget } from './ChangeSetWriter';
import {
  commitAuthor,
  landedStep,
  recordedApplications,
} from './deploymentRecords';
import { ApplicationRefs } from '../snapshots/ApplicationRefs';
import { unifiedDiff } from './fileDiff';
import {
  ManifestPublishService,
  PlannedFile,
  PublishPlan,
  PublishRequest,
} from './ManifestPublishService';
import { checkPublishedPath } from './publishedPaths';

type Options = { credentials: BackstageCredentials };

const MAX_FILES = 200;
const MAX_FILE_BYTES = 256 * 1024;

/** A file compared with what the branch holds. */
interface ComparedFile extends PlannedFile {
  status: PublishedFile['status'];
  before?: string;
}

/**
 * Publishes generated manifests: validates every file before anything is
 * written, refuses to replace files that hold other content unless told to,
 * and lands the files as one commit (plus one pull request for environments
 * whose policy asks for review). Knows nothing of permissions (see
 * AuthorizedManifestPublishService).
 */
export class DefaultManifestPublishService implements ManifestPublishService {
  static create(options: {
    auth: AuthService;
    catalog: CatalogService;
    config: Config;
    targets: TargetResolver;
    repositories: ManifestRepositories;
    writer: ChangeSetWriter;
    store: DeploymentStore;
    /** Told about new records, so open pages refetch. */
    notifier?: DeploymentNotifier;
    /** Told after a direct commit, e.g. to have Argo CD look now. */
    afterCommit?: () => void;
    /** Locates the Applications records follow (selector-named ones). */
    refs: ApplicationRefs;
  }) {
    return new DefaultManifestPublishService(
      options.auth,
      options.catalog,
      options.targets,
      options.repositories,
      options.writer,
      options.store,
      options.notifier ?? silentNotifier,
      options.config.getOptionalString('gitops.manifests.repo'),
      options.config.getOptionalString('gitops.manifests.branch') ?? 'main',
      options.afterCommit ?? (() => {}),
      options.refs,
    );
  }

  private constructor(
    private readonly auth: AuthService,
    private readonly catalog: CatalogService,
    private readonly targets: TargetResolver,
    private readonly repositories: ManifestRepositories,
    private readonly writer: ChangeSetWriter,
    private readonly store: DeploymentStore,
    private readonly notifier: DeploymentNotifier,
    private readonly defaultRepo: string | undefined,
    private readonly defaultBranch: string,
    private readonly afterCommit: () => void,
    private readonly refs: ApplicationRefs,
  ) {}

  async planPublish(
    request: PublishRequest,
    options: Options,
  ): Promise<PublishPlan> {
    const service = request.entityRef.name;
    if (request.files.length === 0) {
      throw new InputError('files must name at least one file');
    }
    if (request.files.length > MAX_FILES) {
      throw new InputError(`files: at most ${MAX_FILES} files in one publish`);
    }
    const configured = this.targets.listEnvironments();
    const byName = new Map(configured.map(e => [e.name, e]));
    const seen = new Set<string>();
    // Each YAML file's documents, parsed once: checked here, searched for
    // the service's entity below.
    const documents = new Map<string, unknown[]>();
    request.files.forEach((file, i) => {
      const field = `files[${i}].path`;
      checkPublishedPath(file.path, service, field);
      if (seen.has(file.path)) {
        throw new InputError(`${field} '${file.path}' appears twice`);
      }
      seen.add(file.path);
      if (Buffer.byteLength(file.content) > MAX_FILE_BYTES) {
        throw new InputError(
          `files[${i}].content of ${file.path} is over ${MAX_FILE_BYTES} bytes`,
        );
      }
      if (/\.ya?ml$/.test(file.path)) {
        documents.set(
          file.path,
          parseYaml(file.content, `files[${i}].content (${file.path})`),
        );
      }
      if (file.environment !== undefined && !byName.has(file.environment)) {
        throw new InputError(
          `files[${i}].environment: unknown environment '${
            file.environment
          }'; configured: ${configured.map(e => e.name).join(', ')}`,
        );
      }
    });

    // The entity may not exist yet (a template is creating it); when it
    // does, its own annotations say where its manifests live.
    const entity = await this.catalog.getEntityByRef(
      request.entityRef,
      options,
    );
    const repository =
      request.repository ??
      entity?.metadata.annotations?.[SHIPDECK_ANNOTATIONS.manifestRepo] ??
      this.defaultRepo;
    if (!repository) {
      throw new InputError(
        'repository is required: no gitops.manifests.repo is configured',
      );
    }
    // Unknown or malformed repositories fail here, before anything is read.
    this.repositories.get(repository);
    const branch = request.branch ?? this.defaultBranch;
    if (!/^[\w.-]+(\/[\w.-]+)*$/.test(branch) || branch.includes('..')) {
      throw new InputError(`branch '${branch}' is not a valid branch name`);
    }

    const reviewedEnvironment = (file: PlannedFile) =>
      request.pullRequest === true ||
      (file.environment !== undefined &&
        byName.get(file.environment)!.pullRequest);
    const files: PlannedFile[] = request.files.map(f => ({
      path: f.path,
      content: f.content,
      ...(f.environment ? { environment: f.environment } : {}),
    }));
    // A file of no environment (a kustomize base, a chart) reaches all of them.
    const named = new Set(files.flatMap(f => f.environment ?? []));
    const environments = files.some(f => f.environment === undefined)
      ? configured
      : configured.filter(e => named.has(e.name));
    const reviewed = files.filter(reviewedEnvironment);
    const reviewedNames = [
      ...new Set(reviewed.flatMap(f => f.environment ?? [])),
    ];
    return {
      entityRef: stringifyEntityRef(request.entityRef),
      service,
      entityExists: entity !== undefined,
      firstDeployments: this.#firstDeployments(
        entity ?? publishedEntity(request.entityRef, documents),
        files,
      ),
      repository,
      branch,
      direct: files.filter(f => !reviewedEnvironment(f)),
      reviewed,
      pullRequestBranch: `shipdeck/${
        reviewedNames.length === 1 ? reviewedNames[0] : 'all'
      }/new-${service}`,
      environments,
      overwrite: request.overwrite ?? false,
      message:
        request.message?.trim() ||
        `${entity ? 'Update' : 'Add'} ${service}'s manifests`,
    };
  }

  async preview(
    plan: PublishPlan,
    _options: Options,
  ): Promise<ManifestPublishPreview> {
    const repo = this.repositories.get(plan.repository);
    const head = await repo.getHead(plan.branch);
    const compared = await this.#compare(plan, head, [
      ...plan.direct,
      ...plan.reviewed,
    ]);
    const reviewed = new Set(plan.reviewed.map(f => f.path));
    return {
      dryRun: true,
      unchanged: compared.every(f => f.status === 'unchanged'),
      repository: plan.repository,
      branch: plan.branch,
      files: compared.map(f => ({
        path: f.path,
        status: f.status,
        landing: reviewed.has(f.path) ? 'pull-request' : 'commit',
        diff:
          f.status === 'unchanged'
            ? ''
            : unifiedDiff(f.path, f.before, f.content),
      })),
    };
  }

  async publish(
    plan: PublishPlan,
    options: Options,
  ): Promise<ManifestPublishOutcome> {
    const repo = this.repositories.get(plan.repository);
    const actor = actorOf(this.auth, options.credentials);
    const author = commitAuthor(actor);
    // Every file, the reviewed ones too, is checked before the first write,
    // so a refusal leaves the repository as it was.
    await this.#compare(plan, await repo.getHead(plan.branch), [
      ...plan.direct,
      ...plan.reviewed,
    ]);
    const compute = (files: PlannedFile[]) => async (baseSha: string) => {
      const compared = await this.#compare(plan, baseSha, files);
      return {
        compared,
        files: compared
          .filter(f => f.status !== 'unchanged')
          .map((f): FileChange => ({ path: f.path, content: f.content })),
      };
    };
    const describe = ({ compared }: { compared: ComparedFile[] }) =>
      [
        plan.message,
        '',
        ...compared
          .filter(f => f.status !== 'unchanged')
          .map(f => `- ${f.status} ${f.path}`),
        '',
        `Requested by ${actor} through Shipdeck.`,
      ].join('\n');

    const results: PublishedFile[] = [];
    let commit: { sha: string; url?: string } | undefined;
    if (plan.direct.length) {
      const landed = await this.writer.land({
        repo: plan.repository,
        branch: plan.branch,
        mode: 'commit',
        author,
        compute: compute(plan.direct),
        message: describe,
      });
      if (landed.commitSha) {
        commit = {
          sha: landed.commitSha,
          url: repo.commitUrl(landed.commitSha),
        };
        this.afterCommit();
      }
      results.push(
        ...landed.result.compared.map(f => ({
          path: f.path,
          status: f.status,
          landing: 'commit' as const,
          url: repo.fileUrl(plan.branch, f.path),
        })),
      );
    }
    let pullRequest: ManifestPublishOutcome['pullRequest'];
    let pullRequestCommitSha: string | undefined;
    const pending = await this.#pendingPullRequest(plan);
    if (pending) {
      // The open pull request already carries exactly these files.
      results.push(
        ...plan.reviewed.map(f => ({
          path: f.path,
          status: 'unchanged' as const,
          landing: 'pull-request' as const,
          url: repo.fileUrl(plan.pullRequestBranch, f.path),
        })),
      );
    } else if (plan.reviewed.length) {
      const landed = await this.writer.land({
        repo: plan.repository,
        branch: plan.branch,
        mode: 'pull-request',
        pullRequestBranch: plan.pullRequestBranch,
        author,
        compute: compute(plan.reviewed),
        message: describe,
        pullRequestBody: computed =>
          [
            describe(computed),
            '',
            `Merging this pull request adds ${plan.service} to ${
              plan.environments
                .filter(e => plan.reviewed.some(f => f.environment === e.name))
                .map(e => e.name)
                .join(', ') || 'the repository'
            }.`,
          ].join('\n'),
      });
      pullRequest = landed.pullRequest;
      pullRequestCommitSha = landed.commitSha;
      results.push(
        ...landed.result.compared.map(f => ({
          path: f.path,
          status: f.status,
          landing: 'pull-request' as const,
          url: repo.fileUrl(
            landed.pullRequest ? plan.pullRequestBranch : plan.branch,
            f.path,
          ),
        })),
      );
    }
    const deployments = await this.#record(plan, results, {
      actor,
      commit,
      pullRequest,
      pullRequestCommit: pullRequestCommitSha,
    });
    const written = results.filter(f => f.status !== 'unchanged').length;
    return {
      unchanged: written === 0,
      message:
        written === 0
          ? `Nothing to do: every file of ${plan.service} is already in ${plan.repository}@${plan.branch}`
          : [
              commit &&
                `Committed ${commit.sha.slice(0, 7)} to ${plan.repository}@${
                  plan.branch
                }`,
              pullRequest &&
                `${pullRequest.created ? 'opened' : 'updated'} pull request ${
                  pullRequest.url
                }`,
            ]
              .filter(Boolean)
              .join('; '),
      repository: plan.repository,
      branch: plan.branch,
      ...(commit ? { commitSha: commit.sha, commitUrl: commit.url } : {}),
      ...(pullRequest ? { pullRequest } : {}),
      files: results,
      deployments,
    };
  }

  /** The targets whose manifest the files hold, with the version each starts at. */
  #firstDeployments(
    entity: Entity | undefined,
    files: PlannedFile[],
  ): PublishPlan['firstDeployments'] {
    if (!entity || !this.targets.isManaged(entity)) return [];
    const byPath = new Map(files.map(f => [f.path, f.content]));
    return this.targets.resolve(entity).flatMap(target => {
      try {
        // Its one file, or the published files its raw folder or glob matches.
        const paths = selectManifestFiles(
          manifestFiles(target.manifest),
          [...byPath.keys()],
          'the published files',
        ).filter(path => byPath.has(path));
        if (paths.length === 0) return [];
        const version = readVersionIn(
          paths.map(path => ({ path, content: byPath.get(path)! })),
          editTarget(target),
        );
        return version ? [{ target, path: paths[0], version }] : [];
      } catch {
        // A file Shipdeck cannot read a version from is published as is.
        return [];
      }
    });
  }

  /** One deployment record per environment the publish put a version in. */
  async #record(
    plan: PublishPlan,
    results: PublishedFile[],
    landed: {
      actor: string;
      commit?: { sha: string; url?: string };
      pullRequest?: ManifestPublishOutcome['pullRequest'];
      pullRequestCommit?: string;
    },
  ) {
    const written = new Map(
      results.filter(f => f.status !== 'unchanged').map(f => [f.path, f]),
    );
    const at = new Date().toISOString();
    const applications = await recordedApplications(
      this.refs,
      plan.firstDeployments.map(d => d.target),
    );
    const records: NewDeployment[] = plan.firstDeployments.flatMap(
      ({ target, path, version }, i) => {
        const file = written.get(path);
        if (!file) return [];
        const reviewed = file.landing === 'pull-request';
        const summary = `New service ${plan.service}: ${version} in ${target.environment.name}`;
        return [
          {
            id: randomUUID(),
            entityRef: plan.entityRef,
            environment: target.environment.name,
            action: 'deploy' as const,
            actor: landed.actor,
            toVersion: version,
            status: reviewed ? ('pr-opened' as const) : ('committed' as const),
            commitSha: reviewed ? landed.pullRequestCommit : landed.commit?.sha,
            commitUrl: reviewed ? undefined : landed.commit?.url,
            pullRequestUrl: reviewed ? landed.pullRequest?.url : undefined,
            repository: plan.repository,
            argocd: applications[i],
            createdAt: at,
            steps: [
              { name: 'requested', at, message: summary },
              landedStep(
                at,
                reviewed
                  ? { pullRequest: landed.pullRequest }
                  : { commitSha: landed.commit?.sha },
              ),
            ],
          },
        ];
      },
    );
    if (!records.length) return [];
    const deployments = await this.store.insertMany(records);
    await this.notifier.notify(deployments.map(signalOf));
    return deployments;
  }

  /** Whether Shipdeck's pull request branch already holds every reviewed file as given. */
  async #pendingPullRequest(plan: PublishPlan): Promise<boolean> {
    if (!plan.reviewed.length) return false;
    const repo = this.repositories.get(plan.repository);
    const head = await repo
      .getHead(plan.pullRequestBranch)
      .catch(() => undefined);
    if (!head) return false;
    const contents = await repo.readFiles(
      head,
      plan.reviewed.map(f => f.path),
    );
    return plan.reviewed.every(f => contents.get(f.path) === f.content);
  }

  /** Each file against the branch at `sha`; throws when one may not be replaced. */
  async #compare(
    plan: PublishPlan,
    sha: string,
    files: PlannedFile[],
  ): Promise<ComparedFile[]> {
    const repo = this.repositories.get(plan.repository);
    const contents = await repo.readFiles(
      sha,
      files.map(f => f.path),
    );
    const compared: ComparedFile[] = files.map(file => {
      const before = contents.get(file.path);
      return { ...file, before, status: statusOf(before, file) };
    });
    const clashes = compared.filter(f => f.status === 'updated');
    if (clashes.length && !plan.overwrite) {
      throw new ConflictError(
        `${clashes.length} file(s) already exist in ${plan.repository}@${
          plan.branch
        } with other content: ${clashes
          .map(f => f.path)
          .join(', ')}. Nothing was written; set overwrite to replace them.`,
      );
    }
    return compared;
  }
}

/**
 * The entity a template publishes with its manifests (a catalog-info file
 * among them), for a service the catalog does not hold yet.
 */
function publishedEntity(
  ref: CompoundEntityRef,
  documents: Map<string, unknown[]>,
): Entity | undefined {
  for (const values of documents.values()) {
    for (const value of values as Array<Entity | undefined>) {
      if (
        value?.kind?.toLowerCase() === ref.kind.toLowerCase() &&
        value.metadata?.name === ref.name &&
        (value.metadata.namespace ?? 'default') === ref.namespace
      ) {
        return {
          ...value,
          metadata: { ...value.metadata, namespace: ref.namespace },
        };
      }
    }
  }
  return undefined;
}

function statusOf(
  before: string | undefined,
  file: PlannedFile,
): PublishedFile['status'] {
  if (before === undefined) return 'created';
  return before === file.content ? 'unchanged' : 'updated';
}

/**
 * A YAML file's documents as values; refuses YAML that does not parse, or
 * that expands aliases without bound.
 */
function parseYaml(text: string, field: string): unknown[] {
  return parseAllDocuments(text).map(doc => {
    if (doc.errors.length) {
      throw new InputError(
        `${field} is not valid YAML: ${doc.errors[0].message}`,
      );
    }
    try {
      return doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      throw new InputError(`${field}: ${(error as Error).message}`);
    }
  });
}
