import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { MissingGitopsSetup } from '../MissingGitopsSetup';
import { useEntityEnvironments } from './useEntityEnvironments';
import { ago, describeDeployment, displayVersion } from '../format';
import { HealthStatus } from './ArgoStatus';
import { useChangeRequestTerms } from '../useChangeRequestTerms';

/**
 * Overview card: one line per environment, linking to the Deployments tab.
 * Live like the tab (the same hook): a refetch keeps what is shown, so the
 * card never flashes a spinner while it looks again.
 */
export function DeploymentsCard() {
  const { value, error } = useEntityEnvironments();
  const terms = useChangeRequestTerms();
  let content;
  if (!value) {
    content = error ? <ResponseErrorPanel error={error} /> : <Progress />;
  } else if (!value.managed) {
    content = <MissingGitopsSetup />;
  } else {
    content = (
      <List dense aria-label="Environments">
        {value.environments.map(({ environment, lastDeployment, status }) => (
          <ListItem key={environment.name} divider>
            <ListItemText
              primary={
                <>
                  <Typography variant="subtitle2" component="span">
                    {environment.name}
                  </Typography>{' '}
                  <Typography
                    variant="body2"
                    component="span"
                    style={{ fontFamily: 'monospace' }}
                    title={status?.version}
                  >
                    {displayVersion(status?.version) ?? '—'}
                  </Typography>{' '}
                  <HealthStatus status={status} />
                </>
              }
              secondary={
                lastDeployment
                  ? `${describeDeployment(lastDeployment)}, ${ago(
                      lastDeployment.createdAt,
                    )}`
                  : `${
                      environment.pullRequest ? terms.noun : 'direct commit'
                    }; no deployment recorded yet`
              }
            />
          </ListItem>
        ))}
      </List>
    );
  }
  return (
    <InfoCard
      title="Deployments"
      deepLink={{ title: 'Open the Deployments tab', link: 'deployments' }}
    >
      {content}
    </InfoCard>
  );
}
