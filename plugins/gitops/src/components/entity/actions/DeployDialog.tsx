import { useId, useState } from 'react';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  DeploymentOutcome,
  EntityEnvironment,
} from '@shipdeck/plugin-gitops-common';
import { ChangeDialog } from './ChangeDialog';
import { useChangeRequestTerms } from '../../useChangeRequestTerms';
import { gitRefProblem, versionProblem } from './validation';

const HINTS = {
  version: ' ',
  gitRef: "Shipdeck resolves the branch's head commit to its image tag",
};

/** Deploy an image version, or the head of a branch, to one environment. */
export function DeployDialog(props: {
  entityRef: string;
  item: EntityEnvironment;
  /** The entity names its source repository, so a branch can be resolved. */
  canDeployBranch: boolean;
  onClose: () => void;
  onStarted: (outcome: DeploymentOutcome) => void;
}) {
  const { item } = props;
  const [kind, setKind] = useState<'version' | 'gitRef'>('version');
  const [value, setValue] = useState('');
  const [touched, setTouched] = useState(false);
  const inputId = useId();
  const terms = useChangeRequestTerms();
  const problem =
    kind === 'version' ? versionProblem(value) : gitRefProblem(value);
  const environment = item.environment.name;
  return (
    <ChangeDialog
      title={`Deploy to ${environment}`}
      entityRef={props.entityRef}
      confirmLabel={
        item.environment.pullRequest ? `Open ${terms.noun}` : 'Deploy'
      }
      sourceChanges={props.canDeployBranch}
      onClose={props.onClose}
      onStarted={props.onStarted}
      buildRequest={() => {
        setTouched(true);
        if (problem) return undefined;
        return kind === 'version'
          ? { type: 'deploy', environment, version: value.trim() }
          : { type: 'deploy', environment, gitRef: value.trim() };
      }}
    >
      <Typography variant="body2" gutterBottom>
        Now running: <code>{item.status?.version ?? 'unknown'}</code>
      </Typography>
      <RadioGroup
        aria-label="What to deploy"
        row
        value={kind}
        onChange={e => {
          setKind(e.target.value as 'version' | 'gitRef');
          setTouched(false);
        }}
      >
        <FormControlLabel
          value="version"
          control={<Radio color="primary" />}
          label="An image version"
        />
        <FormControlLabel
          value="gitRef"
          control={<Radio color="primary" />}
          disabled={!props.canDeployBranch}
          label={
            props.canDeployBranch
              ? 'The head of a branch'
              : 'A branch (needs the shipdeck.io/source-repo annotation)'
          }
        />
      </RadioGroup>
      <TextField
        id={inputId}
        fullWidth
        margin="normal"
        variant="outlined"
        label={kind === 'version' ? 'Version (image tag or digest)' : 'Branch'}
        placeholder={kind === 'version' ? 'e.g. 1.4.2' : 'e.g. main'}
        value={value}
        onChange={e => setValue(e.target.value)}
        onBlur={() => setTouched(value !== '')}
        error={touched && Boolean(problem)}
        helperText={touched && problem ? problem : HINTS[kind]}
        inputProps={{ spellCheck: false }}
      />
    </ChangeDialog>
  );
}
