import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { OperationHook } from '@shipdeck/plugin-gitops-common';

/** "PreSync hook Job orders-db-migrate: Succeeded". */
export function describeHook(hook: OperationHook): string {
  const what = [hook.kind, hook.name].filter(Boolean).join(' ');
  return `${hook.hookType ?? 'Sync'} hook ${what || 'resource'}: ${
    hook.phase ?? 'Unknown'
  }`;
}

function HookIcon(props: { phase?: string }) {
  if (props.phase === 'Succeeded') return <StatusOK />;
  if (props.phase === 'Failed' || props.phase === 'Error') {
    return <StatusError />;
  }
  if (props.phase === 'Running') return <StatusRunning />;
  return <StatusPending />;
}

/**
 * The hooks of an Argo CD operation, one line each with its phase and
 * message: why a migration Job failed is the first thing to read.
 */
export function HookList(props: { hooks: OperationHook[] }) {
  if (!props.hooks.length) return null;
  return (
    <Box
      component="ul"
      m={0}
      p={0}
      style={{ listStyle: 'none' }}
      aria-label="Hooks"
    >
      {props.hooks.map((hook, index) => (
        <Typography
          key={`${hook.name}-${index}`}
          variant="body2"
          component="li"
          style={{ display: 'flex', alignItems: 'baseline', marginTop: 4 }}
        >
          <HookIcon phase={hook.phase} />
          <span>
            {describeHook(hook)}
            {hook.message ? ` – ${hook.message}` : ''}
          </span>
        </Typography>
      ))}
    </Box>
  );
}
