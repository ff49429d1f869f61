/**
 * How a target's manifest is edited to change the running version.
 *
 * @public
 */
export type WriteStrategy = 'kustomize-images' | 'helm-values' | 'raw-image';

/**
 * The write strategies, in the order the docs list them.
 *
 * @public
 */
export const WRITE_STRATEGIES: readonly WriteStrategy[] = [
  'kustomize-images',
  'helm-values',
  'raw-image',
];

/**
 * A configured environment, as the backend serves it.
 *
 * @public
 */
export interface Environment {
  name: string;
  /** Human title, e.g. "Production". */
  title: string;
  /** Position in the promotion order, 0 first. */
  order: number;
  /** Changes land as a pull request rather than a direct commit. */
  pullRequest: boolean;
  /** Deploying needs `gitops.deploy.protected`. */
  protected: boolean;
  /** The environment whose version promotion copies into this one. */
  promotesFrom?: string;
  /** Name of the Argo CD instance that runs this environment. */
  argocdInstance: string;
  /** Deployments first check that the image version exists in its registry. */
  verifyImages: boolean;
}

/**
 * Where a service's manifest for one environment lives and how it is edited.
 *
 * @public
 */
export interface ManifestLocation {
  repo: string;
  branch: string;
  path: string;
  strategy: WriteStrategy;
  /** Strategy-specific key, e.g. `image.tag` for `helm-values`. */
  key?: string;
  image?: string;
}

/**
 * The Argo CD Application that runs a service in one environment.
 *
 * @public
 */
export interface ArgoApplicationRef {
  instance: string;
  name: string;
  namespace?: string;
  project?: string;
  /** Link to the Application in the Argo CD UI. */
  url?: string;
}

/**
 * One step of a deployment, e.g. `committed` or `healthy`.
 *
 * @public
 */
export interface DeploymentStep {
  name: string;
  at: string;
  message?: string;
}

/**
 * A deployment record: who asked for what, when, and what happened since.
 *
 * @public
 */
export interface DeploymentRecord {
  id: string;
  entityRef: string;
  environment: string;
  action: 'deploy' | 'promote' | 'rollback' | 'release';
  actor: string;
  fromVersion?: string;
  toVersion: string;
  status:
    | 'pending'
    | 'committed'
    | 'pr-opened'
    | 'syncing'
    | 'healthy'
    | 'degraded'
    | 'failed';
  commitSha?: string;
  /** Link to the commit for people, when the repository has a web UI. */
  commitUrl?: string;
  pullRequestUrl?: string;
  /** Records of one release share the change set (one commit or pull request). */
  changeSetId?: string;
  /** The manifest repository written to. */
  repository?: string;
  createdAt: string;
  steps: DeploymentStep[];
}

/**
 * One environment of one entity: what the page shows per pipeline stage.
 *
 * @public
 */
export interface EntityEnvironment {
  environment: Environment;
  manifest: ManifestLocation;
  argocd: ArgoApplicationRef;
  lastDeployment?: DeploymentRecord;
}

/**
 * Response of `GET /entities/{namespace}/{kind}/{name}/environments`.
 *
 * @public
 */
export interface EntityEnvironmentsResponse {
  entityRef: string;
  /**
   * False when the entity carries none of Shipdeck's or Argo CD's annotations;
   * `environments` is then empty and the UI explains what to add.
   */
  managed: boolean;
  environments: EntityEnvironment[];
  /** When this answer was assembled. */
  observedAt: string;
}
