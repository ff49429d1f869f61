import {
  DeploymentOutcome,
  EntityEnvironment,
} from '@shipdeck/plugin-gitops-common';
import { ChangeDialog } from './ChangeDialog';
import { useChangeRequestTerms } from '../../useChangeRequestTerms';

/** Copy the version running in the previous environment into this one. */
export function PromoteDialog(props: {
  entityRef: string;
  from: EntityEnvironment;
  to: EntityEnvironment;
  onClose: () => void;
  onStarted: (outcome: DeploymentOutcome) => void;
}) {
  const from = props.from.environment.name;
  const to = props.to.environment.name;
  const terms = useChangeRequestTerms();
  return (
    <ChangeDialog
      title={`Promote ${from} → ${to}`}
      entityRef={props.entityRef}
      confirmLabel={
        props.to.environment.pullRequest ? `Open ${terms.noun}` : 'Promote'
      }
      onClose={props.onClose}
      onStarted={props.onStarted}
      buildRequest={() => ({ type: 'promote', from, to })}
    />
  );
}
