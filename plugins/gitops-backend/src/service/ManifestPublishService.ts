import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { Target } from '../targets/TargetResolver';
import {
  Environment,
  ManifestPublishOutcome,
  ManifestPublishPreview,
  ManifestPublishRequest,
} from '@shipdeck/plugin-gitops-common';

export interface PublishRequest extends ManifestPublishRequest {
  entityRef: CompoundEntityRef;
}

/** A file of a publish, with the part of the change it lands in. */
export interface PlannedFile {
  path: string;
  content: string;
  environment?: string;
}

/** What a publish will write, decided before anything is authorized or written. */
export interface PublishPlan {
  entityRef: string;
  service: string;
  /** True when the entity is in the catalog already: its owners decide. */
  entityExists: boolean;
  repository: string;
  branch: string;
  /** Files that land as one commit on the branch. */
  direct: PlannedFile[];
  /** Files that land as one pull request (environments whose policy says so). */
  reviewed: PlannedFile[];
  pullRequestBranch: string;
  /** The environments the files reach: those they name, all for a file of none. */
  environments: Environment[];
  overwrite: boolean;
  message: string;
  /**
   * The service's targets whose manifest file is among the files, with the
   * version it starts with: each becomes a deployment record, so the
   * Deployments tab follows the new service to Healthy (and production's
   * pull request shows as pending) like any deployment.
   */
  firstDeployments: Array<{ target: Target; path: string; version: string }>;
}

type Options = { credentials: BackstageCredentials };

/**
 * Lands a service's generated manifests and Argo CD Applications in its
 * manifest repository, for templates creating a service.
 */
export interface ManifestPublishService {
  planPublish(request: PublishRequest, options: Options): Promise<PublishPlan>;
  publish(plan: PublishPlan, options: Options): Promise<ManifestPublishOutcome>;
  /** What `publish` would write, against the branch head; writes nothing. */
  preview(plan: PublishPlan, options: Options): Promise<ManifestPublishPreview>;
}
