import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ErrorOutlineIcon from '@material-ui/icons/ErrorOutline';
import ReplayIcon from '@material-ui/icons/Replay';
import { errorMessage } from './format';

const useStyles = makeStyles(theme => ({
  root: {
    padding: theme.spacing(2),
    display: 'flex',
    gap: theme.spacing(2),
    alignItems: 'flex-start',
    borderLeft: `4px solid ${theme.palette.error.main}`,
  },
  message: {
    wordBreak: 'break-word',
  },
}));

/**
 * What failed and a Retry button: the error's message only, never its stack.
 */
export function LoadFailed(props: {
  title: string;
  error: Error;
  onRetry: () => void;
  dense?: boolean;
}) {
  const { title, error, onRetry, dense } = props;
  const classes = useStyles();
  return (
    <Paper variant="outlined" role="alert" className={classes.root}>
      <ErrorOutlineIcon color="error" aria-hidden />
      <Box flex={1}>
        <Typography variant={dense ? 'body2' : 'subtitle1'} component="p">
          {title}
        </Typography>
        <Typography
          variant="body2"
          color="textSecondary"
          className={classes.message}
        >
          {errorMessage(error)}
        </Typography>
      </Box>
      <Button
        variant="outlined"
        size="small"
        startIcon={<ReplayIcon />}
        onClick={onRetry}
      >
        Retry
      </Button>
    </Paper>
  );
}
