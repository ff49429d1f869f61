import {
  DeploymentRecord,
  DeploymentStep,
} from '@shipdeck/plugin-gitops-common';

/** A deployment record as written, before any step beyond the first. */
export type NewDeployment = Omit<DeploymentRecord, 'steps'> & {
  steps?: DeploymentStep[];
};

/** Persistence of deployment records, shared by every backend replica. */
export interface DeploymentStore {
  insert(record: NewDeployment): Promise<DeploymentRecord>;
  /** Records of one change set, written together or not at all. */
  insertMany(records: NewDeployment[]): Promise<DeploymentRecord[]>;
  /** Records whose commit Argo CD has not finished rolling out, newest first. */
  listInFlight(options: { limit: number }): Promise<DeploymentRecord[]>;
  /**
   * Records with one of these statuses, newest first; with `since`, only
   * those created since then (e.g. deployments that ended degraded lately).
   */
  listByStatus(
    statuses: Array<DeploymentRecord['status']>,
    options: { since?: string; limit: number },
  ): Promise<DeploymentRecord[]>;
  /**
   * An entity's records, newest first, created before `before`; with
   * `commits`, only those that wrote one of these commits.
   */
  listForEntity(
    entityRef: string,
    options: ListForEntityOptions,
  ): Promise<DeploymentRecord[]>;
  /** A target's records, newest first. */
  listForTarget(
    entityRef: string,
    environment: string,
    options: { limit: number },
  ): Promise<DeploymentRecord[]>;
  addStep(
    id: string,
    step: DeploymentStep,
    update?: Partial<
      Pick<DeploymentRecord, 'status' | 'commitSha' | 'pullRequestUrl'>
    >,
  ): Promise<void>;
  get(id: string): Promise<DeploymentRecord | undefined>;
  /** The newest record per entity and environment, keyed `entityRef|environment`. */
  latestPerTarget(entityRefs: string[]): Promise<Map<string, DeploymentRecord>>;
  /**
   * The newest record per environment of one entity among those with this
   * status, e.g. the pull request still waiting in each environment.
   */
  latestPerEnvironmentWithStatus(
    entityRef: string,
    status: DeploymentRecord['status'],
  ): Promise<Map<string, DeploymentRecord>>;
  /** A repository's records with this status, oldest first. */
  listForRepository(
    repository: string,
    status: DeploymentRecord['status'],
  ): Promise<DeploymentRecord[]>;
  /**
   * Which entity and environment each of these Argo CD Applications deployed
   * according to the records, keyed `instance/namespace/name`.
   */
  targetsOfApplications(
    apps: Array<{ instance: string; namespace?: string; name: string }>,
  ): Promise<Map<string, { entityRef: string; environment: string }>>;
  /** The newest record per environment of one entity. */
  latestPerEnvironment(
    entityRef: string,
  ): Promise<Map<string, DeploymentRecord>>;
}

/** Which of an entity's records {@link DeploymentStore.listForEntity} reads. */
export interface ListForEntityOptions {
  /** Only records created before this time. */
  before?: string;
  limit: number;
  environments?: string[];
  /** Only records that wrote one of these commits. */
  commits?: string[];
}
