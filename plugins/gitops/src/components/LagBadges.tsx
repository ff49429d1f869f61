import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import HistoryIcon from '@material-ui/icons/History';
import SyncProblemIcon from '@material-ui/icons/SyncProblem';
import { describeLag, EnvironmentLag } from '@shipdeck/plugin-gitops-common';
import { displayVersion } from './format';

/**
 * What lags where, at a glance: "2 deployments behind staging" (or
 * "staging runs 1.12.0" when the count is not known) and "drifted" when
 * Argo CD reports OutOfSync with no Shipdeck change on its way. `action`
 * goes next to them, e.g. the Promote button.
 */
export function LagBadges(props: {
  lag?: EnvironmentLag;
  drifted?: boolean;
  action?: React.ReactNode;
}) {
  const { lag, drifted } = props;
  if (!lag && !drifted) return null;
  return (
    <Box
      display="flex"
      flexWrap="wrap"
      alignItems="center"
      style={{ gap: 4 }}
      my={0.5}
      role="group"
      aria-label="Lag and drift"
    >
      {lag && (
        <Tooltip
          title={`${lag.source} runs ${displayVersion(
            lag.sourceVersion,
          )}; a promotion brings it here`}
        >
          <Chip
            size="small"
            variant="outlined"
            icon={<HistoryIcon />}
            label={describeLag(lag, displayVersion)}
            data-badge="behind"
          />
        </Tooltip>
      )}
      {drifted && (
        <Tooltip title="Argo CD reports OutOfSync and no Shipdeck change is on its way: the cluster or the manifest changed outside Shipdeck">
          <Chip
            size="small"
            color="secondary"
            icon={<SyncProblemIcon />}
            label="drifted"
            data-badge="drifted"
          />
        </Tooltip>
      )}
      {props.action}
    </Box>
  );
}
