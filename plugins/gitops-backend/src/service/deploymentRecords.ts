import {
  DeploymentRecord,
  DeploymentStep,
} from '@shipdeck/plugin-gitops-common';
import { CommitAuthor } from '../scm/ManifestRepository';
import { Target } from '../targets/TargetResolver';

/** Who a commit is attributed to: the actor, at an address that cannot receive mail. */
export function commitAuthor(actor: string): CommitAuthor {
  return {
    name: actor,
    email: `${actor.replace(/[^\w.-]+/g, '.')}@shipdeck.invalid`,
  };
}

/** The Argo CD Application a record follows, as located when it was made. */
export function recordedApplication(
  target: Target,
): NonNullable<DeploymentRecord['argocd']> {
  return {
    instance: target.argocd.instance,
    name: target.argocd.name,
    ...(target.argocd.namespace ? { namespace: target.argocd.namespace } : {}),
  };
}

/** The step that says where a change landed: a commit, or a pull request. */
export function landedStep(
  at: string,
  landed: {
    commitSha?: string;
    pullRequest?: { url: string; created?: boolean };
  },
): DeploymentStep {
  return landed.pullRequest
    ? {
        name: 'pr-opened',
        at,
        message: `${landed.pullRequest.created ? 'Opened' : 'Updated'} ${
          landed.pullRequest.url
        }`,
      }
    : { name: 'committed', at, message: landed.commitSha };
}
