import { ReactNode, useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import {
  DeploymentOutcome,
  DeploymentPreview,
  DeploymentRequest,
} from '@shipdeck/plugin-gitops-common';
import { gitopsApiRef } from '../../../api';
import { ChangePreview } from './ChangePreview';
import { newIdempotencyKey } from './validation';
import { errorMessage } from '../../format';

type Stage =
  | { name: 'form' }
  | { name: 'previewing' }
  | { name: 'preview'; preview: DeploymentPreview }
  | { name: 'submitting'; preview: DeploymentPreview };

export interface ChangeDialogProps {
  title: string;
  entityRef: string;
  /** The form, when the dialog asks for input before the preview. */
  children?: ReactNode;
  /**
   * The request from the form, or undefined when the form is invalid (the
   * form then shows what is wrong). Without children it is called at once.
   */
  buildRequest: () => DeploymentRequest | undefined;
  confirmLabel: string;
  /** List source commits in the preview (see ChangePreview). */
  sourceChanges?: boolean;
  onClose: () => void;
  onStarted: (outcome: DeploymentOutcome) => void;
}

/**
 * The shape every Git change takes in the UI: fill in the form, see exactly
 * what will change (a dry run on the backend, authorized like the real
 * thing), then confirm. Nothing is written before the confirmation.
 */
export function ChangeDialog(props: ChangeDialogProps) {
  const { entityRef, buildRequest, onClose, onStarted } = props;
  const api = useApi(gitopsApiRef);
  const [stage, setStage] = useState<Stage>({ name: 'form' });
  const [error, setError] = useState<string>();
  const [request, setRequest] = useState<DeploymentRequest>();
  // One key per reviewed request: confirming it again (a double click, a
  // retry after a lost answer) lands once; a changed request is a new one.
  const [key, setKey] = useState(newIdempotencyKey);
  const hasForm = props.children !== undefined;

  const review = async () => {
    setError(undefined);
    const next = buildRequest();
    if (!next) return;
    setRequest(next);
    setKey(newIdempotencyKey());
    setStage({ name: 'previewing' });
    try {
      const preview = await api.previewDeployment(entityRef, next);
      setStage({ name: 'preview', preview });
    } catch (e) {
      setError(errorMessage(e));
      setStage({ name: 'form' });
    }
  };

  useEffect(() => {
    // The dialog is mounted when it opens: form-less dialogs preview at once.
    if (!hasForm) review();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const confirm = async () => {
    if (stage.name !== 'preview' || !request) return;
    setStage({ name: 'submitting', preview: stage.preview });
    setError(undefined);
    try {
      const outcome = await api.requestDeployment(entityRef, request, {
        idempotencyKey: key,
      });
      onStarted(outcome);
      onClose();
    } catch (e) {
      setError(errorMessage(e));
      setStage({ name: 'preview', preview: stage.preview });
    }
  };

  const titleId = `shipdeck-dialog-${props.title.replace(/\W+/g, '-')}`;
  const preview =
    stage.name === 'preview' || stage.name === 'submitting'
      ? stage.preview
      : undefined;
  return (
    <Dialog
      open
      onClose={onClose}
      aria-labelledby={titleId}
      fullWidth
      maxWidth="sm"
    >
      <DialogTitle id={titleId}>{props.title}</DialogTitle>
      <DialogContent>
        {stage.name === 'form' && props.children}
        {stage.name === 'previewing' && (
          <Typography role="status">
            <CircularProgress size={16} /> Working out what will change…
          </Typography>
        )}
        {preview && (
          <ChangePreview
            preview={preview}
            sourceChanges={props.sourceChanges}
          />
        )}
        {error && (
          <Typography role="alert" color="error" style={{ marginTop: 16 }}>
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        {preview && hasForm && (
          <Button
            onClick={() => setStage({ name: 'form' })}
            disabled={stage.name === 'submitting'}
          >
            Back
          </Button>
        )}
        {stage.name === 'form' && hasForm && (
          <Button color="primary" variant="contained" onClick={review}>
            Review changes
          </Button>
        )}
        {stage.name === 'form' && !hasForm && error && (
          <Button color="primary" onClick={review}>
            Try again
          </Button>
        )}
        {preview && (
          <Button
            color="primary"
            variant="contained"
            onClick={confirm}
            disabled={stage.name === 'submitting' || preview.unchanged}
          >
            {stage.name === 'submitting' ? 'Starting…' : props.confirmLabel}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
