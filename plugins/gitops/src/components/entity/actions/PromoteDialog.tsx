import {
  DeploymentOutcome,
  EntityEnvironment,
} from '@shipdeck/plugin-gitops-common';
import { ChangeDialog } from './ChangeDialog';

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
  return (
    <ChangeDialog
      title={`Promote ${from} → ${to}`}
      entityRef={props.entityRef}
      confirmLabel={
        props.to.environment.pullRequest ? 'Open pull request' : 'Promote'
      }
      onClose={props.onClose}
      onStarted={props.onStarted}
      buildRequest={() => ({ type: 'promote', from, to })}
    />
  );
}
