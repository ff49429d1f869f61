import { DeploymentOutcome, Environment } from '@shipdeck/plugin-gitops-common';
import { ChangeDialog } from './ChangeDialog';
import { useChangeRequestTerms } from '../../useChangeRequestTerms';

/**
 * Copy the version running in the previous environment into this one. Used
 * by the Deployments tab and by the Shipdeck page's lag badge, so it takes
 * only what both know: the environments and their versions.
 */
export function PromoteDialog(props: {
  entityRef: string;
  from: string;
  to: Pick<Environment, 'name' | 'pullRequest'>;
  /** The entity has `shipdeck.io/source-repo`; undefined when not known. */
  sourceChanges?: boolean;
  onClose: () => void;
  onStarted: (outcome: DeploymentOutcome) => void;
}) {
  const { from } = props;
  const terms = useChangeRequestTerms();
  const to = props.to.name;
  return (
    <ChangeDialog
      title={`Promote ${from} → ${to}`}
      entityRef={props.entityRef}
      confirmLabel={props.to.pullRequest ? `Open ${terms.noun}` : 'Promote'}
      sourceChanges={props.sourceChanges}
      onClose={props.onClose}
      onStarted={props.onStarted}
      buildRequest={() => ({ type: 'promote', from, to })}
    />
  );
}
