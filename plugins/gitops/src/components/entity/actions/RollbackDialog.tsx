import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { Progress } from '@backstage/core-components';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { useChangeRequestTerms } from '../../useChangeRequestTerms';
import {
  DeploymentOutcome,
  EntityEnvironment,
  TimelineEvent,
} from '@shipdeck/plugin-gitops-common';
import { gitopsApiRef } from '../../../api';
import { ChangeDialog } from './ChangeDialog';
import { actorName, ago, displayVersion, errorMessage } from '../../format';

interface EarlierVersion {
  version: string;
  at: string;
  actor?: string;
}

/** Versions that ran in the environment before, newest first, current excluded. */
export function earlierVersions(
  events: TimelineEvent[],
  current?: string,
): EarlierVersion[] {
  const seen = new Map<string, EarlierVersion>();
  for (const event of events) {
    for (const version of [event.toVersion, event.fromVersion]) {
      if (version && version !== current && !seen.has(version)) {
        seen.set(version, { version, at: event.at, actor: event.actor });
      }
    }
  }
  return [...seen.values()];
}

/** Roll back to an earlier version, picked from the environment's timeline. */
export function RollbackDialog(props: {
  entityRef: string;
  item: EntityEnvironment;
  onClose: () => void;
  onStarted: (outcome: DeploymentOutcome) => void;
}) {
  const api = useApi(gitopsApiRef);
  const terms = useChangeRequestTerms();
  const environment = props.item.environment.name;
  const current = props.item.status?.version;
  const [chosen, setChosen] = useState<string>();
  const [touched, setTouched] = useState(false);
  const history = useAsync(async () => {
    const { events } = await api.getTimeline(props.entityRef, {
      environment,
      types: ['deployment', 'deployed'],
      limit: 100,
    });
    return earlierVersions(events, current);
  }, [api, props.entityRef, environment, current]);

  let form;
  if (history.loading) form = <Progress />;
  else if (history.error) {
    form = (
      <Typography role="alert" color="error">
        Could not load earlier versions: {errorMessage(history.error)}
      </Typography>
    );
  } else if (!history.value?.length) {
    form = (
      <Typography>
        No earlier version of this service is recorded in {environment} yet.
      </Typography>
    );
  } else {
    form = (
      <>
        <Typography variant="body2" gutterBottom>
          Now running: <code>{displayVersion(current) ?? 'unknown'}</code>. Roll
          back to:
        </Typography>
        <RadioGroup
          aria-label="Earlier version"
          value={chosen ?? ''}
          onChange={e => setChosen(e.target.value)}
        >
          {history.value.map(v => (
            <FormControlLabel
              key={v.version}
              value={v.version}
              control={<Radio color="primary" />}
              label={`${displayVersion(v.version)}, ${ago(v.at)}${
                v.actor ? ` by ${actorName(v.actor)}` : ''
              }`}
            />
          ))}
        </RadioGroup>
        {touched && !chosen && (
          <Typography role="alert" color="error" variant="body2">
            Pick the version to roll back to
          </Typography>
        )}
      </>
    );
  }
  return (
    <ChangeDialog
      title={`Roll back ${environment}`}
      entityRef={props.entityRef}
      confirmLabel={
        props.item.environment.pullRequest ? `Open ${terms.noun}` : 'Roll back'
      }
      onClose={props.onClose}
      onStarted={props.onStarted}
      buildRequest={() => {
        setTouched(true);
        return chosen
          ? { type: 'rollback', environment, to: chosen }
          : undefined;
      }}
    >
      {form}
    </ChangeDialog>
  );
}
