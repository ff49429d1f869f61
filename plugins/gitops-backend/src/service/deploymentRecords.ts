import {
  DeploymentRecord,
  DeploymentStep,
} from '@shipdeck/plugin-gitops-common';
import { CommitAuthor } from '../scm/ManifestRepository';
import { ApplicationRefs } from '../snapshots/ApplicationRefs';
import { Target } from '../targets/TargetResolver';

/** Who a commit is attributed to: the actor, at an address that cannot receive mail. */
export function commitAuthor(actor: string): CommitAuthor {
  return {
    name: actor,
    email: `${actor.replace(/[^\w.-]+/g, '.')}@shipdeck.invalid`,
  };
}

/**
 * The Argo CD Application each record follows, in the order of `targets`,
 * as located when the records are made. An entity that finds its
 * Applications by label selector (`argocd/app-selector`) gets the one the
 * snapshot holds: the name template may name an app that does not exist,
 * and a record following it would never advance. Until the snapshot has the
 * app (a new service's Application appears after its publish), the
 * template's name is all there is.
 */
export async function recordedApplications(
  refs: ApplicationRefs,
  targets: Target[],
): Promise<Array<NonNullable<DeploymentRecord['argocd']>>> {
  return (await refs.locateTargets(targets)).map(({ argocd }) => ({
    instance: argocd.instance,
    name: argocd.name,
    ...(argocd.namespace ? { namespace: argocd.namespace } : {}),
  }));
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
