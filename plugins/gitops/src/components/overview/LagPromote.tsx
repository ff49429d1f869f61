import { useState } from 'react';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import {
  DeploymentOutcome,
  EnvironmentLag,
  OverviewRow,
} from '@shipdeck/plugin-gitops-common';
import { PromoteDialog } from '../entity/actions/PromoteDialog';
import { useGitopsPermissions } from '../entity/actions/useGitopsPermissions';
import { displayVersion } from '../format';

/**
 * Promote from the Shipdeck page: the Deployments tab's dialog and
 * permission check, for a target that lags where it promotes from. Without
 * the permission the button is disabled and says why.
 */
export function LagPromote(props: {
  row: OverviewRow;
  lag: EnvironmentLag;
  /** When the column is not configured, assume the careful way. */
  environment: { name: string; pullRequest: boolean; protected: boolean };
}) {
  const { row, lag, environment } = props;
  const alertApi = useApi(alertApiRef);
  const allowance = useGitopsPermissions(row.entityRef).deploy(environment);
  const [open, setOpen] = useState(false);
  const onStarted = (outcome: DeploymentOutcome) =>
    alertApi.post({
      message: `${row.title}: ${outcome.message}`,
      severity: outcome.unchanged ? 'info' : 'success',
      display: 'transient',
    });
  const button = (
    <Button
      size="small"
      variant="outlined"
      color="primary"
      disabled={!allowance.allowed}
      onClick={() => setOpen(true)}
      aria-label={`Promote ${row.title} ${displayVersion(
        lag.sourceVersion,
      )} from ${lag.source} to ${environment.name}`}
    >
      Promote
    </Button>
  );
  return (
    <>
      {allowance.allowed || !allowance.reason ? (
        button
      ) : (
        <Tooltip title={allowance.reason}>
          <span>{button}</span>
        </Tooltip>
      )}
      {open && (
        <PromoteDialog
          entityRef={row.entityRef}
          from={lag.source}
          to={environment}
          onClose={() => setOpen(false)}
          onStarted={onStarted}
        />
      )}
    </>
  );
}
