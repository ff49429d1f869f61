import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormGroup from '@material-ui/core/FormGroup';
import Typography from '@material-ui/core/Typography';
import { EntityEnvironment } from '@shipdeck/plugin-gitops-common';

/** Options of an Argo CD sync, confirmed before it runs. */
export function SyncDialog(props: {
  open: boolean;
  item: EntityEnvironment;
  busy: boolean;
  onClose: () => void;
  onSync: (options: { prune: boolean; dryRun: boolean }) => void;
}) {
  const [prune, setPrune] = useState(false);
  const [dryRun, setDryRun] = useState(false);
  const { environment, argocd } = props.item;
  return (
    <Dialog
      open={props.open}
      onClose={props.onClose}
      aria-labelledby="shipdeck-sync-title"
    >
      <DialogTitle id="shipdeck-sync-title">
        Sync {argocd.name} ({environment.name})
      </DialogTitle>
      <DialogContent>
        <Typography variant="body2" gutterBottom>
          Argo CD applies the manifests at the head of the branch it watches.
        </Typography>
        <FormGroup>
          <FormControlLabel
            control={
              <Checkbox
                checked={prune}
                onChange={e => setPrune(e.target.checked)}
              />
            }
            label="Prune: delete resources that are no longer in Git"
          />
          <FormControlLabel
            control={
              <Checkbox
                checked={dryRun}
                onChange={e => setDryRun(e.target.checked)}
              />
            }
            label="Dry run: show what would happen without changing the cluster"
          />
        </FormGroup>
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={props.busy}
          onClick={() => props.onSync({ prune, dryRun })}
        >
          {dryRun ? 'Dry run' : 'Sync'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
