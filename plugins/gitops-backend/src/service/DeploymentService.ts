import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  DeploymentOutcome,
  DeploymentPreview,
  DeploymentRecord,
  Environment,
} from '@shipdeck/plugin-gitops-common';
import { PlannedEdit } from './ChangeSetWriter';

export interface DeployRequest {
  entityRef: CompoundEntityRef;
  environment: string;
  /** An image tag or digest. */
  version?: string;
  /** A branch (or other ref) of the service's source repository, resolved to its head commit. */
  gitRef?: string;
}

export interface PromoteRequest {
  entityRef: CompoundEntityRef;
  from: string;
  to: string;
}

export interface RollbackRequest {
  entityRef: CompoundEntityRef;
  environment: string;
  /** An earlier version, or the id of an earlier deployment record of this target. */
  to: string;
}

export interface ReleaseRequest {
  environment: string;
  /** Every managed service of this System… */
  system?: string;
  /** …or these entities. */
  entityRefs?: string[];
  /** Explicit versions per entity ref; otherwise each service's version in `from`. */
  versions?: Record<string, string>;
  /** Where versions are copied from; defaults to the environment's `promotesFrom`. */
  from?: string;
  /** A name for the release, used in its branch, commit and pull request. */
  name?: string;
}

/** A deploy tag as a CI job has it, after a tag push. */
export interface TagDeploymentRequest {
  /** `<product>/<env>/<YYYY>/<MM>/<DD>/<HHmm>-<name>[-<svc>,<svc>…]` */
  tag: string;
  /**
   * The commit the tag points to: every listed service deploys its build of
   * that commit (`gitops.sourceVersionTemplate`). Without it, the tag is
   * resolved in each service's `shipdeck.io/source-repo`.
   */
  commit?: string;
  /** Instead: copy each service's version from the environment it promotes from. */
  promote?: boolean;
  /** Check every image exists in its registry before writing, whatever the environment says. */
  verifyImages?: boolean;
}

/** What will change, decided before anything is authorized or written. */
export interface DeploymentPlan {
  action: DeploymentRecord['action'];
  environment: Environment;
  edits: PlannedEdit[];
  summary: string;
  releaseName?: string;
  /** Check images before writing even where the environment does not ask to. */
  verifyImages?: boolean;
}

// What the deploy, promote and roll back routes answer: the REST contract.
export type { DeploymentOutcome };

type Options = { credentials: BackstageCredentials };

/** Deploy, promote, roll back and release, as Git changes to manifest repositories. */
export interface DeploymentService {
  planDeploy(request: DeployRequest, options: Options): Promise<DeploymentPlan>;
  planPromote(
    request: PromoteRequest,
    options: Options,
  ): Promise<DeploymentPlan>;
  planRollback(
    request: RollbackRequest,
    options: Options,
  ): Promise<DeploymentPlan>;
  planRelease(
    request: ReleaseRequest,
    options: Options,
  ): Promise<DeploymentPlan>;
  planTagDeployment(
    request: TagDeploymentRequest,
    options: Options,
  ): Promise<DeploymentPlan>;
  execute(plan: DeploymentPlan, options: Options): Promise<DeploymentOutcome>;
  /** What `execute` would write, against the branch head; writes nothing. */
  preview(plan: DeploymentPlan, options: Options): Promise<DeploymentPreview>;
  getDeployment(id: string, options: Options): Promise<DeploymentRecord>;
}
