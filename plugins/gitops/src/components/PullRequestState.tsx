import {
  StatusError,
  StatusOK,
  StatusPending,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import { PullRequestInfo } from '@shipdeck/plugin-gitops-common';

type StatusIcon = typeof StatusOK;

const REVIEW: Record<
  NonNullable<PullRequestInfo['review']>,
  { Icon: StatusIcon; label: string }
> = {
  approved: { Icon: StatusOK, label: 'approved' },
  'changes-requested': { Icon: StatusError, label: 'changes requested' },
};

const CHECKS: Record<
  NonNullable<PullRequestInfo['checks']>,
  { Icon: StatusIcon; label: string }
> = {
  passing: { Icon: StatusOK, label: 'checks passing' },
  failing: { Icon: StatusError, label: 'checks failing' },
  pending: { Icon: StatusPending, label: 'checks running' },
};

/**
 * Where a pull request stands on GitHub, as Shipdeck last looked: review
 * and checks, each with its status icon; "awaiting review" when nobody has
 * decided yet. Shown next to the pull request's link.
 */
export function PullRequestState(props: {
  pullRequest: Pick<PullRequestInfo, 'review' | 'checks'>;
}) {
  const { review, checks } = props.pullRequest;
  const parts = [
    review ? REVIEW[review] : { Icon: StatusPending, label: 'awaiting review' },
    ...(checks ? [CHECKS[checks]] : []),
  ];
  return (
    <Box
      component="span"
      display="inline-flex"
      flexWrap="wrap"
      style={{ gap: 8 }}
    >
      {parts.map(({ Icon, label }) => (
        <Icon key={label}>{label}</Icon>
      ))}
    </Box>
  );
}
