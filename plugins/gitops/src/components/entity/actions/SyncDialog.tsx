import { useState } from 'react';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormGroup from '@material-ui/core/FormGroup';
import Typography from '@material-ui/core/Typography';
import { EntityEnvironment } from '@shipdeck/plugin-gitops-common';
import { ConfirmDialog } from './ConfirmDialog';

/** Options of an Argo CD sync, confirmed before it runs. */
export function SyncDialog(props: {
  item: EntityEnvironment;
  busy: boolean;
  onClose: () => void;
  onSync: (options: { prune: boolean; dryRun: boolean }) => void;
}) {
  const [prune, setPrune] = useState(false);
  const [dryRun, setDryRun] = useState(false);
  const { environment, argocd } = props.item;
  const option = (
    checked: boolean,
    set: (value: boolean) => void,
    label: string,
  ) => (
    <FormControlLabel
      control={
        <Checkbox checked={checked} onChange={e => set(e.target.checked)} />
      }
      label={label}
    />
  );
  return (
    <ConfirmDialog
      title={`Sync ${argocd.name} (${environment.name})`}
      confirmLabel={dryRun ? 'Dry run' : 'Sync'}
      busy={props.busy}
      onClose={props.onClose}
      onConfirm={() => props.onSync({ prune, dryRun })}
    >
      <Typography variant="body2" gutterBottom>
        Argo CD applies the manifests at the head of the branch it watches.
      </Typography>
      <FormGroup>
        {option(
          prune,
          setPrune,
          'Prune: delete resources that are no longer in Git',
        )}
        {option(
          dryRun,
          setDryRun,
          'Dry run: show what would happen without changing the cluster',
        )}
      </FormGroup>
    </ConfirmDialog>
  );
}
