import { randomUUID } from 'node:crypto';
import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DeploymentPreview,
  DeploymentRecord,
  SHIPDECK_ANNOTATIONS,
} from '@shipdeck/plugin-gitops-common';
import { DeploymentStore, NewDeployment } from '../database/DeploymentStore';
import { validateVersion, withVersion } from '../manifests/imageRef';
import { ImageRegistry } from '../registry/OciRegistryClient';
import { ManifestRepositories } from '../scm/ManifestRepositories';
import { Target, TargetResolver } from '../targets/TargetResolver';
import { AppliedEdit, ChangeSetWriter, PlannedEdit } from './ChangeSetWriter';
import { parseDeployTag } from './deployTags';
import {
  DeploymentOutcome,
  DeploymentPlan,
  DeploymentService,
  DeployRequest,
  PromoteRequest,
  ReleaseRequest,
  RollbackRequest,
  TagDeploymentRequest,
} from './DeploymentService';
import { describeEdits, pullRequestBody } from './changeSetText';
import {
  DeploymentNotifier,
  signalOf,
  silentNotifier,
} from '../signals/DeploymentNotifier';
import { actorOf, readEntity } from './catalogEntities';
import {
  commitAuthor,
  landedStep,
  recordedApplications,
} from './deploymentRecords';
import { ApplicationRefs } from '../snapshots/ApplicationRefs';

type Options = { credentials: BackstageCredentials };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Plans and writes deployments. Knows nothing of permissions (see
 * AuthorizedDeploymentService); reads the catalog with the caller's
 * credentials, so an entity the caller cannot see is a 404.
 */
export class DefaultDeploymentService implements DeploymentService {
  static create(options: {
    auth: AuthService;
    catalog: CatalogService;
    config: Config;
    targets: TargetResolver;
    repositories: ManifestRepositories;
    writer: ChangeSetWriter;
    store: DeploymentStore;
    registry: ImageRegistry;
    /** Locates the Applications records follow (selector-named ones). */
    refs: ApplicationRefs;
    /** Told about direct commits, e.g. to have Argo CD look at them now. */
    afterCommit?: (targets: Target[]) => void;
    /** Told about new records, so open pages refetch. */
    notifier?: DeploymentNotifier;
  }) {
    return new DefaultDeploymentService(
      options.afterCommit ?? (() => {}),
      options.notifier ?? silentNotifier,
      options.registry,
      options.auth,
      options.catalog,
      options.targets,
      options.repositories,
      options.writer,
      options.store,
      options.config.getOptionalString('gitops.sourceVersionTemplate') ??
        '{sha}',
      options.refs,
    );
  }

  private constructor(
    private readonly afterCommit: (targets: Target[]) => void,
    private readonly notifier: DeploymentNotifier,
    private readonly registry: ImageRegistry,
    private readonly auth: AuthService,
    private readonly catalog: CatalogService,
    private readonly targets: TargetResolver,
    private readonly repositories: ManifestRepositories,
    private readonly writer: ChangeSetWriter,
    private readonly store: DeploymentStore,
    private readonly sourceVersionTemplate: string,
    private readonly refs: ApplicationRefs,
  ) {}

  async planDeploy(
    request: DeployRequest,
    options: Options,
  ): Promise<DeploymentPlan> {
    const entity = await this.#entity(request.entityRef, options);
    const target = this.#target(entity, request.environment);
    if (Boolean(request.version) === Boolean(request.gitRef)) {
      throw new InputError('Give exactly one of version or gitRef');
    }
    const version =
      request.version ??
      (await this.#versionFromGitRef(entity, request.gitRef!));
    validateVersion(version);
    return {
      action: 'deploy',
      environment: target.environment,
      edits: [{ target, version }],
      summary: `Deploy ${entity.metadata.name} ${version} to ${target.environment.name}`,
    };
  }

  async planPromote(
    request: PromoteRequest,
    options: Options,
  ): Promise<DeploymentPlan> {
    const entity = await this.#entity(request.entityRef, options);
    const from = this.#target(entity, request.from);
    const to = this.#target(entity, request.to);
    if (to.environment.promotesFrom !== from.environment.name) {
      throw new InputError(
        `${to.environment.name} promotes from ${
          to.environment.promotesFrom ?? 'nothing'
        }, not ${from.environment.name}`,
      );
    }
    const version = await this.writer.readCurrentVersion(from);
    if (!version) {
      throw new InputError(
        `${entity.metadata.name} has no version in ${from.environment.name} to promote`,
      );
    }
    return {
      action: 'promote',
      environment: to.environment,
      edits: [{ target: to, version }],
      summary: `Promote ${entity.metadata.name} ${version} from ${from.environment.name} to ${to.environment.name}`,
    };
  }

  async planRollback(
    request: RollbackRequest,
    options: Options,
  ): Promise<DeploymentPlan> {
    const entity = await this.#entity(request.entityRef, options);
    const target = this.#target(entity, request.environment);
    let version = request.to;
    if (UUID.test(request.to)) {
      const record = await this.store.get(request.to);
      if (
        !record ||
        record.entityRef !== target.entityRef ||
        record.environment !== target.environment.name
      ) {
        throw new InputError(
          `Deployment ${request.to} is not a deployment of ${target.entityRef} to ${target.environment.name}`,
        );
      }
      version = record.toVersion;
    }
    validateVersion(version);
    return {
      action: 'rollback',
      environment: target.environment,
      edits: [{ target, version }],
      summary: `Roll back ${entity.metadata.name} in ${target.environment.name} to ${version}`,
    };
  }

  async planRelease(
    request: ReleaseRequest,
    options: Options,
  ): Promise<DeploymentPlan> {
    const entities = await this.#releaseEntities(request, options);
    const environment = this.targets
      .listEnvironments()
      .find(e => e.name === request.environment);
    if (!environment) {
      throw new InputError(this.#unknownEnvironment(request.environment));
    }
    // Checked even when versions make it unused: a release that names an
    // environment that does not exist is a mistake, not a no-op.
    if (
      request.from !== undefined &&
      !this.targets.listEnvironments().some(e => e.name === request.from)
    ) {
      throw new InputError(`from: ${this.#unknownEnvironment(request.from)}`);
    }
    const fromName = request.from ?? environment.promotesFrom;
    const edits: PlannedEdit[] = [];
    for (const entity of entities) {
      const ref = stringifyEntityRef(entity);
      const target = this.#target(entity, environment.name);
      let version = request.versions?.[ref];
      if (!version) {
        if (!fromName) {
          throw new InputError(
            `${environment.name} promotes from nothing, so the release needs a version for ${ref}`,
          );
        }
        version = await this.writer.readCurrentVersion(
          this.#target(entity, fromName),
        );
        if (!version) {
          throw new InputError(
            `${ref} has no version in ${fromName} to release`,
          );
        }
      }
      validateVersion(version);
      edits.push({ target, version });
    }
    const extra = Object.keys(request.versions ?? {}).filter(
      ref => !edits.some(e => e.target.entityRef === ref),
    );
    if (extra.length) {
      throw new InputError(
        `versions names entities outside the release: ${extra.join(', ')}`,
      );
    }
    const name = request.name ?? request.system ?? 'release';
    return {
      action: 'release',
      environment,
      edits,
      releaseName: name,
      summary: `Release ${name} to ${environment.name} (${
        edits.length
      } service${edits.length === 1 ? '' : 's'})`,
    };
  }

  async planTagDeployment(
    request: TagDeploymentRequest,
    options: Options,
  ): Promise<DeploymentPlan> {
    // The product's services are needed to parse the tag, so read them first.
    const product = request.tag.split('/')[0] ?? '';
    const services = product
      ? await this.#systemServices(product, options)
      : [];
    const tag = parseDeployTag(request.tag, () =>
      services.map(s => s.metadata.name),
    );
    if (services.length === 0) {
      throw new InputError(
        `Deploy tag '${request.tag}': System ${tag.product} has no services Shipdeck manages`,
      );
    }
    if (request.promote && request.commit) {
      throw new InputError(
        'Give commit (deploy the tagged build) or promote (copy the previous environment’s versions), not both',
      );
    }
    const chosen = tag.services
      ? services.filter(s => tag.services!.includes(s.metadata.name))
      : services;
    const versions = request.promote
      ? undefined
      : await this.#taggedVersions(request, chosen);
    const plan = await this.planRelease(
      {
        environment: tag.environment,
        entityRefs: chosen.map(e => stringifyEntityRef(e)),
        ...(versions ? { versions } : {}),
        name: request.tag.split('/').slice(2).join('-'),
      },
      options,
    );
    return {
      ...plan,
      summary: `${plan.summary} from tag ${request.tag}${
        request.commit ? ` at ${request.commit.slice(0, 7)}` : ''
      }`,
      ...(request.verifyImages ? { verifyImages: true } : {}),
    };
  }

  /**
   * Each service's build of the tagged commit: the commit CI names, or the
   * tag resolved in the service's own source repository.
   */
  async #taggedVersions(
    request: TagDeploymentRequest,
    entities: Entity[],
  ): Promise<Record<string, string>> {
    const ref = request.tag.replace(/[^\w.-]/g, '-');
    const versions: Record<string, string> = {};
    for (const entity of entities) {
      let sha = request.commit;
      if (!sha) {
        const source =
          entity.metadata.annotations?.[SHIPDECK_ANNOTATIONS.sourceRepo];
        if (!source) {
          throw new InputError(
            `Deploy tag '${request.tag}': give the commit the tag points to (commit), or set ${
              SHIPDECK_ANNOTATIONS.sourceRepo
            } on ${stringifyEntityRef(
              entity,
            )} so Shipdeck can resolve the tag, or ask to promote (promote: true)`,
          );
        }
        try {
          sha = await this.repositories.get(source).resolveTag(request.tag);
        } catch (error) {
          if ((error as Error).name === 'NotFoundError') {
            throw new InputError(
              `Deploy tag '${request.tag}' does not exist in ${source}, the source repository of ${stringifyEntityRef(
                entity,
              )}`,
            );
          }
          throw error;
        }
      }
      versions[stringifyEntityRef(entity)] = this.#versionOf(sha, ref);
    }
    return versions;
  }

  /** A source commit's build, by `gitops.sourceVersionTemplate`. */
  #versionOf(sha: string, ref: string): string {
    return this.sourceVersionTemplate
      .replace(/\{sha\}/g, sha)
      .replace(/\{sha7\}/g, sha.slice(0, 7))
      .replace(/\{ref\}/g, ref);
  }

  async execute(
    plan: DeploymentPlan,
    options: Options,
  ): Promise<DeploymentOutcome> {
    if (plan.environment.verifyImages || plan.verifyImages) {
      await this.#verifyImages(plan);
    }
    const actor = actorOf(this.auth, options.credentials);
    const changeSetId = randomUUID();
    const pullRequest = plan.environment.pullRequest;
    const requestedAt = new Date().toISOString();
    const result = await this.writer.apply({
      edits: plan.edits,
      mode: pullRequest ? 'pull-request' : 'commit',
      pullRequestBranch: this.#pullRequestBranch(plan),
      message: edits =>
        `${plan.summary}\n\n${describeEdits(
          edits,
        )}\n\nShipdeck-Change-Set: ${changeSetId}\nRequested-by: ${actor}\n`,
      pullRequestTitle: () => plan.summary,
      pullRequestBody: edits => pullRequestBody(plan, edits, actor),
      author: commitAuthor(actor),
    });
    if (result.unchanged) {
      return { unchanged: true, message: nothingToDo(plan), deployments: [] };
    }
    const repo = this.repositories.get(plan.edits[0].target.manifest.repo);
    const commitUrl = result.commitSha
      ? repo.commitUrl(result.commitSha)
      : undefined;
    const doneAt = new Date().toISOString();
    const changed = result.edits.filter(e => e.changed);
    const applications = await recordedApplications(
      this.refs,
      changed.map(e => e.target),
    );
    const records: NewDeployment[] = changed.map((edit, i) => ({
      id: randomUUID(),
      entityRef: edit.target.entityRef,
      environment: plan.environment.name,
      action: plan.action,
      actor,
      fromVersion: edit.previous,
      toVersion: edit.version,
      status: pullRequest ? 'pr-opened' : 'committed',
      commitSha: result.commitSha,
      commitUrl,
      pullRequestUrl: result.pullRequest?.url,
      changeSetId,
      repository: edit.target.manifest.repo,
      argocd: applications[i],
      createdAt: requestedAt,
      steps: [
        { name: 'requested', at: requestedAt, message: plan.summary },
        landedStep(doneAt, result),
      ],
    }));
    const deployments = await this.store.insertMany(records);
    await this.notifier.notify(deployments.map(signalOf));
    if (!pullRequest) {
      this.afterCommit(result.edits.filter(e => e.changed).map(e => e.target));
    }
    return {
      unchanged: false,
      message: pullRequest
        ? `${result.pullRequest!.created ? 'Opened' : 'Updated'} pull request ${
            result.pullRequest!.url
          }`
        : `Committed ${result.commitSha!.slice(0, 7)} to ${
            plan.edits[0].target.manifest.repo
          }@${plan.edits[0].target.manifest.branch}`,
      changeSetId,
      commitSha: result.commitSha,
      commitUrl,
      pullRequest: result.pullRequest,
      files: [...new Set(result.edits.flatMap(e => e.files))].sort(),
      deployments,
    };
  }

  async preview(
    plan: DeploymentPlan,
    _options: Options,
  ): Promise<DeploymentPreview> {
    // The same checks as execute, so a preview that passes would be written.
    if (plan.environment.verifyImages || plan.verifyImages) {
      await this.#verifyImages(plan);
    }
    const result = await this.writer.preview({ edits: plan.edits });
    return {
      dryRun: true,
      unchanged: result.unchanged,
      summary: result.unchanged ? nothingToDo(plan) : plan.summary,
      mode: plan.environment.pullRequest ? 'pull-request' : 'commit',
      repository: result.repository,
      branch: result.branch,
      // One change per file, so a raw folder or glob shows each file's diff.
      changes: result.edits.flatMap(edit =>
        edit.diffs.map(({ path, diff }) => ({
          entityRef: edit.target.entityRef,
          environment: edit.target.environment.name,
          path,
          ...(edit.previous ? { fromVersion: edit.previous } : {}),
          toVersion: edit.version,
          diff,
        })),
      ),
    };
  }

  async getDeployment(id: string, options: Options): Promise<DeploymentRecord> {
    const record = UUID.test(id) ? await this.store.get(id) : undefined;
    if (!record) {
      throw new NotFoundError(`No deployment ${id}`);
    }
    // Only those who may read the entity may read its deployments.
    await this.#entity(parseEntityRef(record.entityRef), options);
    return record;
  }

  // The check teams otherwise make by hand before triggering a deploy.
  async #verifyImages(plan: DeploymentPlan) {
    const missing: string[] = [];
    await Promise.all(
      plan.edits.map(async ({ target, version }) => {
        const image = target.manifest.image;
        if (!image) {
          throw new InputError(
            `${target.entityRef} has no ${SHIPDECK_ANNOTATIONS.image} annotation, which ${plan.environment.name} needs to check images`,
          );
        }
        if (!(await this.registry.versionExists(image, version))) {
          missing.push(withVersion(image, version));
        }
      }),
    );
    if (missing.length) {
      throw new InputError(
        `Not in the registry: ${missing
          .sort()
          .join(', ')}. Nothing was written; push the image first.`,
      );
    }
  }

  async #entity(ref: CompoundEntityRef, options: Options): Promise<Entity> {
    const entity = await readEntity(this.catalog, ref, options);
    this.targets.requireManaged(entity);
    return entity;
  }

  #target(entity: Entity, environment: string): Target {
    return this.targets.resolveEnvironment(entity, environment);
  }

  #unknownEnvironment(name: string) {
    return `Unknown environment '${name}'; configured: ${this.targets
      .listEnvironments()
      .map(e => e.name)
      .join(', ')}`;
  }

  async #releaseEntities(
    request: ReleaseRequest,
    options: Options,
  ): Promise<Entity[]> {
    if (Boolean(request.system) === Boolean(request.entityRefs?.length)) {
      throw new InputError('Give exactly one of system or entityRefs');
    }
    if (request.system) {
      const services = await this.#systemServices(request.system, options);
      if (!services.length) {
        throw new InputError(
          `System ${request.system} has no services Shipdeck manages`,
        );
      }
      return services;
    }
    const entities: Entity[] = [];
    for (const ref of request.entityRefs!) {
      let parsed: CompoundEntityRef;
      try {
        parsed = parseEntityRef(ref, {
          defaultKind: 'component',
          defaultNamespace: 'default',
        });
      } catch (error) {
        throw new InputError(
          `Invalid entity ref '${ref}': ${(error as Error).message}`,
        );
      }
      entities.push(await this.#entity(parsed, options));
    }
    return entities;
  }

  async #systemServices(system: string, options: Options): Promise<Entity[]> {
    const { items } = await this.catalog.getEntities(
      { filter: { kind: 'component', 'spec.system': system } },
      options,
    );
    return items
      .filter(e => this.targets.isManaged(e))
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  }

  async #versionFromGitRef(entity: Entity, gitRef: string): Promise<string> {
    const source =
      entity.metadata.annotations?.[SHIPDECK_ANNOTATIONS.sourceRepo];
    if (!source) {
      throw new InputError(
        `${stringifyEntityRef(entity)} has no ${
          SHIPDECK_ANNOTATIONS.sourceRepo
        } annotation, so gitRef cannot be resolved; give a version`,
      );
    }
    if (!/^[\w./-]+$/.test(gitRef) || gitRef.includes('..')) {
      throw new InputError(`Invalid gitRef '${gitRef}'`);
    }
    const sha = await this.repositories.get(source).getHead(gitRef);
    return this.#versionOf(sha, gitRef.replace(/[^\w.-]/g, '-'));
  }

  #pullRequestBranch(plan: DeploymentPlan): string {
    const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9.-]+/g, '-');
    if (plan.action === 'release') {
      return `shipdeck/${plan.environment.name}/release-${slug(
        plan.releaseName ?? 'release',
      )}`;
    }
    return `shipdeck/${plan.environment.name}/${slug(
      entityName(plan.edits[0].target),
    )}`;
  }
}

function nothingToDo(plan: DeploymentPlan): string {
  return `Nothing to do: ${plan.edits
    .map(
      e =>
        `${entityName(e.target)} already runs ${e.version} in ${
          plan.environment.name
        }`,
    )
    .join('; ')}`;
}

function entityName(target: Target) {
  return parseEntityRef(target.entityRef).name;
}

export type { AppliedEdit };
