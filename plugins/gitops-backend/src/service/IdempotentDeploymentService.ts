import { createHash } from 'node:crypto';
import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { IdempotencyStore } from '../database/IdempotencyStore';
import { actorOf } from './catalogEntities';
import {
  DeploymentOutcome,
  DeploymentPlan,
  DeploymentService,
} from './DeploymentService';
import { ManifestPublishService, PublishPlan } from './ManifestPublishService';
import { ManifestPublishOutcome } from '@shipdeck/plugin-gitops-common';

/**
 * A request that carries an `Idempotency-Key`: the key, and what was asked
 * (the route and its body), so a retry of the same request is recognized and
 * the same key with another request refused.
 */
export interface IdempotentRequest {
  key: string;
  request: unknown;
}

/** Options of a write that may carry an Idempotency-Key. */
export type WriteOptions = {
  credentials: BackstageCredentials;
  idempotency?: IdempotentRequest;
};

/**
 * The Idempotency-Key protocol: the first request with a key (per caller)
 * runs and its outcome is stored; a retry with the same request gets the
 * stored outcome without writing again, another request with the key a 409,
 * and a request that failed frees its key for a retry.
 */
export class IdempotentWrites {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly auth: AuthService,
  ) {}

  async once<T extends { unchanged: boolean }>(
    options: WriteOptions,
    write: () => Promise<T>,
  ): Promise<T> {
    const { idempotency, credentials } = options;
    if (!idempotency) return write();
    const { key } = idempotency;
    const actor = actorOf(this.auth, credentials);
    const fingerprint = createHash('sha256')
      .update(JSON.stringify(idempotency.request ?? null))
      .digest('hex');
    const decision = await this.store.begin(key, actor, fingerprint);
    if (decision.kind === 'replay') return decision.body as T;
    let outcome: T;
    try {
      outcome = await write();
    } catch (error) {
      await this.store.abandon(key, actor);
      throw error;
    }
    // The status the route answers with, kept for rows read by older replicas.
    await this.store.complete(
      key,
      actor,
      outcome.unchanged ? 200 : 202,
      outcome,
    );
    return outcome;
  }
}

/** {@link IdempotentWrites} around a deployment service's writes. */
export class IdempotentDeploymentService implements DeploymentService {
  constructor(
    private readonly inner: DeploymentService,
    private readonly writes: IdempotentWrites,
  ) {}

  planDeploy: DeploymentService['planDeploy'] = (request, options) =>
    this.inner.planDeploy(request, options);
  planPromote: DeploymentService['planPromote'] = (request, options) =>
    this.inner.planPromote(request, options);
  planRollback: DeploymentService['planRollback'] = (request, options) =>
    this.inner.planRollback(request, options);
  planRelease: DeploymentService['planRelease'] = (request, options) =>
    this.inner.planRelease(request, options);
  planTagDeployment: DeploymentService['planTagDeployment'] = (
    request,
    options,
  ) => this.inner.planTagDeployment(request, options);
  preview: DeploymentService['preview'] = (plan, options) =>
    this.inner.preview(plan, options);
  getDeployment: DeploymentService['getDeployment'] = (id, options) =>
    this.inner.getDeployment(id, options);

  execute(
    plan: DeploymentPlan,
    options: WriteOptions,
  ): Promise<DeploymentOutcome> {
    return this.writes.once(options, () =>
      this.inner.execute(plan, { credentials: options.credentials }),
    );
  }
}

/** {@link IdempotentWrites} around a manifest publish service's writes. */
export class IdempotentManifestPublishService
  implements ManifestPublishService
{
  constructor(
    private readonly inner: ManifestPublishService,
    private readonly writes: IdempotentWrites,
  ) {}

  planPublish: ManifestPublishService['planPublish'] = (request, options) =>
    this.inner.planPublish(request, options);
  preview: ManifestPublishService['preview'] = (plan, options) =>
    this.inner.preview(plan, options);

  publish(
    plan: PublishPlan,
    options: WriteOptions,
  ): Promise<ManifestPublishOutcome> {
    return this.writes.once(options, () =>
      this.inner.publish(plan, { credentials: options.credentials }),
    );
  }
}
