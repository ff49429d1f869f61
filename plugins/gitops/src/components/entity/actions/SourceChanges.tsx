import { useApi } from '@backstage/core-plugin-api';
import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import CircularProgress from '@material-ui/core/CircularProgress';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { gitopsApiRef } from '../../../api';
import { ago, errorMessage } from '../../format';

/**
 * What changed in the service's source between the running version and the
 * new one: its commits with authors and links, as the source repository's
 * host lists them. Shown in the deploy and promote previews; says why when
 * the versions map to no commits, and stays away for an entity without
 * `shipdeck.io/source-repo`.
 */
export function SourceChanges(props: {
  entityRef: string;
  from?: string;
  to: string;
}) {
  const { entityRef, from, to } = props;
  const api = useApi(gitopsApiRef);
  const state = useAsync(
    async () =>
      from ? api.getSourceChanges(entityRef, { from, to }) : undefined,
    [api, entityRef, from, to],
  );
  if (!from || from === to) return null;
  const label = `Source changes ${from} → ${to}`;
  if (state.loading) {
    return (
      <Typography variant="body2" color="textSecondary" role="status">
        <CircularProgress size={12} /> Listing the source commits…
      </Typography>
    );
  }
  if (state.error) {
    return (
      <Typography variant="body2" color="textSecondary">
        Could not list the source commits: {errorMessage(state.error)}
      </Typography>
    );
  }
  const changes = state.value;
  if (!changes?.repository) return null;
  if (!changes.available) {
    return (
      <Typography variant="body2" color="textSecondary">
        No commit list: {changes.reason}
      </Typography>
    );
  }
  const more = changes.total - changes.commits.length;
  return (
    <Box component="section" aria-label={label} mb={1}>
      <Typography variant="subtitle2" component="p">
        {changes.total === 0
          ? `No source commits from ${changes.fromRef} to ${changes.toRef}`
          : `${changes.total} source commit${
              changes.total === 1 ? '' : 's'
            } from ${changes.fromRef} to ${changes.toRef}`}
        {changes.url && (
          <>
            {' · '}
            <Link to={changes.url}>compare</Link>
          </>
        )}
      </Typography>
      {changes.commits.length > 0 && (
        <List dense disablePadding aria-label="Source commits">
          {changes.commits.map(commit => (
            <ListItem key={commit.sha} disableGutters>
              <ListItemText
                primary={
                  commit.url ? (
                    <Link to={commit.url}>{commit.title}</Link>
                  ) : (
                    commit.title
                  )
                }
                secondary={`${commit.sha.slice(0, 7)} · ${
                  commit.login
                    ? `${commit.author} (@${commit.login})`
                    : commit.author
                }${commit.date ? ` · ${ago(commit.date)}` : ''}`}
              />
            </ListItem>
          ))}
        </List>
      )}
      {more > 0 && (
        <Typography variant="caption" color="textSecondary">
          and {more} earlier commit{more === 1 ? '' : 's'}
        </Typography>
      )}
    </Box>
  );
}
