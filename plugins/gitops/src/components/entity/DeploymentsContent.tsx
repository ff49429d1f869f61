import { Fragment, useCallback, useState } from 'react';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { Progress, WarningPanel } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import ArrowForwardIcon from '@material-ui/icons/ArrowForward';
import {
  DeploymentOutcome,
  SHIPDECK_ANNOTATIONS,
} from '@shipdeck/plugin-gitops-common';
import { EnvironmentStage } from './EnvironmentStage';
import { MissingGitopsSetup } from '../MissingGitopsSetup';
import { StageActions } from './actions/StageActions';
import { useGitopsPermissions } from './actions/useGitopsPermissions';
import { LoadFailed } from '../LoadFailed';
import { useEntityEnvironments } from './useEntityEnvironments';
import { DeploymentProgress } from './progress/DeploymentProgress';
import { EntityTimeline } from '../timeline';
import { DeploymentMetrics } from '../metrics';
import { ago, errorMessage } from '../format';

/**
 * The entity's "Deployments" tab: its environments as a pipeline with what
 * the user may do in each, deployments in progress, delivery metrics and
 * the timeline. Everything refreshes live.
 */
export function DeploymentsContent() {
  const { entity } = useEntity();
  const live = useEntityEnvironments();
  const permissions = useGitopsPermissions(live.entityRef);
  const alertApi = useApi(alertApiRef);
  const [tracked, setTracked] = useState<string[]>([]);
  const { retry } = live;

  const onStarted = useCallback(
    (outcome: DeploymentOutcome) => {
      if (outcome.unchanged) {
        alertApi.post({ message: outcome.message, severity: 'info' });
        return;
      }
      const ids = outcome.deployments.map(d => d.id);
      setTracked(current => [...ids, ...current.filter(i => !ids.includes(i))]);
      retry();
    },
    [alertApi, retry],
  );

  const value = live.value;
  if (!value) {
    return live.error ? (
      <LoadFailed
        title="Could not load this service's environments"
        error={live.error}
        onRetry={retry}
      />
    ) : (
      <Progress />
    );
  }
  if (!value.managed) {
    return <MissingGitopsSetup />;
  }
  const items = value.environments;
  const byName = new Map(items.map(i => [i.environment.name, i]));
  const environmentNames = items.map(i => i.environment.name);
  const canDeployBranch = Boolean(
    entity.metadata.annotations?.[SHIPDECK_ANNOTATIONS.sourceRepo],
  );
  return (
    <Box>
      <Box display="flex" alignItems="baseline" flexWrap="wrap" mb={1}>
        <Typography variant="h6" component="h2" style={{ flex: 1 }}>
          Environments
        </Typography>
        <Typography
          variant="caption"
          color="textSecondary"
          role="status"
          title={value.observedAt}
        >
          {live.live === 'signals' ? 'Live' : 'Updates every few seconds'} · as
          of {ago(value.observedAt)}
        </Typography>
      </Box>
      {live.error && (
        <WarningPanel
          title="Could not refresh"
          message={`${errorMessage(live.error)}. Showing what was loaded ${ago(
            value.observedAt,
          )}; retrying automatically.`}
        />
      )}
      {tracked.length > 0 && (
        <Box component="section" aria-label="Deployment progress">
          {tracked.map(id => (
            <DeploymentProgress
              key={id}
              deploymentId={id}
              onUpdate={retry}
              onDismiss={() =>
                setTracked(current => current.filter(i => i !== id))
              }
            />
          ))}
        </Box>
      )}
      <Box
        display="flex"
        alignItems="stretch"
        flexWrap="wrap"
        style={{ gap: 8 }}
        role="list"
        aria-label="Deployment pipeline"
      >
        {items.map((item, index) => {
          const source = item.environment.promotesFrom
            ? byName.get(item.environment.promotesFrom)
            : undefined;
          return (
            <Fragment key={item.environment.name}>
              {index > 0 && (
                <Box display="flex" alignItems="center" aria-hidden>
                  <ArrowForwardIcon color="action" />
                </Box>
              )}
              <Box role="listitem" display="flex" flex={1}>
                <EnvironmentStage
                  item={item}
                  actions={
                    <StageActions
                      entityRef={live.entityRef}
                      item={item}
                      source={source}
                      permissions={permissions}
                      canDeployBranch={canDeployBranch}
                      onStarted={onStarted}
                      onChanged={retry}
                    />
                  }
                />
              </Box>
            </Fragment>
          );
        })}
      </Box>
      <Box mt={3}>
        <DeploymentMetrics
          entityRef={live.entityRef}
          environments={environmentNames}
          refreshToken={live.version}
        />
      </Box>
      <Box mt={3}>
        <Typography variant="h6" component="h2" gutterBottom>
          Timeline
        </Typography>
        <EntityTimeline
          entityRef={live.entityRef}
          environments={environmentNames}
          refreshToken={live.version}
        />
      </Box>
    </Box>
  );
}
