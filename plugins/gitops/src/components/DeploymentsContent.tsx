import { Fragment } from 'react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import ArrowForwardIcon from '@material-ui/icons/ArrowForward';
import { EnvironmentStage } from './EnvironmentStage';
import { MissingGitopsSetup } from './MissingGitopsSetup';
import { useEntityEnvironments } from './useEntityEnvironments';

/** The entity's "Deployments" tab: its environments as a pipeline, in order. */
export function DeploymentsContent() {
  const { value, loading, error } = useEntityEnvironments();
  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!value?.managed) {
    return <MissingGitopsSetup />;
  }
  return (
    <Box>
      <Typography variant="h6" component="h2" gutterBottom>
        Environments
      </Typography>
      <Box
        display="flex"
        alignItems="stretch"
        flexWrap="wrap"
        style={{ gap: 8 }}
        role="list"
        aria-label="Deployment pipeline"
      >
        {value.environments.map((item, index) => (
          <Fragment key={item.environment.name}>
            {index > 0 && (
              <Box display="flex" alignItems="center" aria-hidden>
                <ArrowForwardIcon color="action" />
              </Box>
            )}
            <Box role="listitem" display="flex" flex={1}>
              <EnvironmentStage item={item} />
            </Box>
          </Fragment>
        ))}
      </Box>
    </Box>
  );
}
