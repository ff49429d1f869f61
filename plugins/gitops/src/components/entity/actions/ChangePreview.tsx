import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { DeploymentPreview } from '@shipdeck/plugin-gitops-common';
import { displayVersion } from '../../format';
import { useChangeRequestTerms } from '../../useChangeRequestTerms';
import { SourceChanges } from './SourceChanges';

const useStyles = makeStyles(theme => ({
  diff: {
    fontFamily: 'monospace',
    fontSize: theme.typography.body2.fontSize,
    whiteSpace: 'pre',
    overflowX: 'auto',
    margin: theme.spacing(1, 0, 2),
    padding: theme.spacing(1),
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    background: theme.palette.background.default,
    maxHeight: 260,
  },
  added: { color: theme.palette.success.main, fontWeight: 600 },
  removed: { color: theme.palette.error.main, fontWeight: 600 },
  meta: { color: theme.palette.text.secondary },
}));

function DiffLines(props: { diff: string }) {
  const classes = useStyles();
  const lines = props.diff.split('\n').filter(l => !l.startsWith('====='));
  return (
    <pre className={classes.diff} aria-label="Change to the manifest">
      {lines.map((line, i) => {
        let className: string | undefined;
        if (line.startsWith('+++') || line.startsWith('---')) {
          className = classes.meta;
        } else if (line.startsWith('+')) className = classes.added;
        else if (line.startsWith('-')) className = classes.removed;
        else if (line.startsWith('@@') || line.startsWith('Index:')) {
          className = classes.meta;
        }
        return (
          <div key={i} className={className}>
            {line || ' '}
          </div>
        );
      })}
    </pre>
  );
}

/** What a deployment will change, shown before anyone confirms it. */
export function ChangePreview(props: {
  preview: DeploymentPreview;
  /**
   * Whether to list source commits between the versions: true when the
   * entity has `shipdeck.io/source-repo`, undefined when not known (the
   * list then stays away if there is none).
   */
  sourceChanges?: boolean;
}) {
  const { preview } = props;
  const terms = useChangeRequestTerms();
  if (preview.unchanged) {
    return (
      <Typography role="status">
        Nothing to change: {preview.summary || 'the target already runs it'}.
      </Typography>
    );
  }
  return (
    <Box role="region" aria-label="What will change">
      <Typography gutterBottom>
        {preview.mode === 'pull-request'
          ? `Opens a ${terms.noun} against ${preview.repository}@${preview.branch}.`
          : `Commits directly to ${preview.repository}@${preview.branch}; Argo CD then syncs it.`}
      </Typography>
      {preview.changes.map(change => (
        <Box key={`${change.entityRef}/${change.environment}/${change.path}`}>
          <Typography variant="subtitle2" component="p">
            {change.environment}:{' '}
            <code>{displayVersion(change.fromVersion) ?? 'none'}</code> →{' '}
            <code>{displayVersion(change.toVersion)}</code>
          </Typography>
          <Typography variant="caption" color="textSecondary" component="p">
            {change.path}
          </Typography>
          {props.sourceChanges !== false && (
            <SourceChanges
              entityRef={change.entityRef}
              from={change.fromVersion}
              to={change.toVersion}
            />
          )}
          {change.diff && <DiffLines diff={change.diff} />}
        </Box>
      ))}
    </Box>
  );
}
