import Chip, { ChipProps } from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import LockIcon from '@material-ui/icons/Lock';
import CallMergeIcon from '@material-ui/icons/CallMerge';
import CommitIcon from '@material-ui/icons/FiberManualRecord';
import {
  ChangeRequestTerms,
  changeRequestTerms,
  Environment,
} from '@shipdeck/plugin-gitops-common';
import { useChangeRequestTerms } from './useChangeRequestTerms';

const useStyles = makeStyles(theme => ({
  flags: {
    display: 'flex',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
  },
}));

type FlagEnvironment = Pick<
  Environment,
  'pullRequest' | 'protected' | 'promotesFrom'
>;

/**
 * How changes land in an environment: by pull request (merge request on
 * GitLab) or direct commit, whether it is protected, and where promotion
 * copies from.
 */
export function environmentFlags(
  environment: FlagEnvironment,
  terms: ChangeRequestTerms = changeRequestTerms(),
): Array<Pick<ChipProps, 'label' | 'icon' | 'color' | 'variant'>> {
  return [
    environment.pullRequest
      ? { label: terms.noun, icon: <CallMergeIcon /> }
      : { label: 'direct commit', icon: <CommitIcon /> },
    ...(environment.protected
      ? [
          {
            label: 'protected',
            icon: <LockIcon />,
            color: 'secondary' as const,
          },
        ]
      : []),
    ...(environment.promotesFrom
      ? [
          {
            label: `from ${environment.promotesFrom}`,
            variant: 'outlined' as const,
          },
        ]
      : []),
  ];
}

/** The {@link environmentFlags} as small chips. */
export function EnvironmentFlags(props: {
  environment: FlagEnvironment;
  className?: string;
}) {
  const { environment, className } = props;
  const classes = useStyles();
  const terms = useChangeRequestTerms();
  return (
    <span className={`${classes.flags} ${className ?? ''}`}>
      {environmentFlags(environment, terms).map(flag => (
        <Chip key={String(flag.label)} size="small" {...flag} />
      ))}
    </span>
  );
}
