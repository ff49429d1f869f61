import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { EntityEnvironment } from '@shipdeck/plugin-gitops-common';
import { environments } from '../__testUtils__/fixtures';
import { EnvironmentStage } from './entity/EnvironmentStage';
import { TimelineEventItem } from './timeline/TimelineEventItem';

const production = environments.environments.find(
  e => e.environment.name === 'production',
)!;

function withPending(
  pending: Partial<NonNullable<EntityEnvironment['pendingPullRequest']>>,
): EntityEnvironment {
  return {
    ...production,
    pendingPullRequest: {
      number: 7,
      url: 'https://github.com/shop/deploy/pull/7',
      state: 'open',
      ...pending,
    },
  };
}

async function pendingSection(item: EntityEnvironment) {
  await renderInTestApp(<EnvironmentStage item={item} />);
  const stage = screen.getByRole('region', { name: 'Environment production' });
  const link = within(stage).getByRole('link', { name: /^#7/ });
  expect(link).toHaveAttribute('href', 'https://github.com/shop/deploy/pull/7');
  return within(stage);
}

describe('EnvironmentStage: the pending pull request', () => {
  it('shows an approved pull request whose checks fail next to its link', async () => {
    const stage = await pendingSection(
      withPending({ review: 'approved', checks: 'failing' }),
    );
    expect(stage.getByText('approved')).toBeInTheDocument();
    expect(stage.getByText('checks failing')).toBeInTheDocument();
    expect(stage.queryByText('awaiting review')).not.toBeInTheDocument();
  });

  it('shows changes requested and checks still running', async () => {
    const stage = await pendingSection(
      withPending({ review: 'changes-requested', checks: 'pending' }),
    );
    expect(stage.getByText('changes requested')).toBeInTheDocument();
    expect(stage.getByText('checks running')).toBeInTheDocument();
  });

  it('says it awaits review, with passing checks or none', async () => {
    const stage = await pendingSection(withPending({ checks: 'passing' }));
    expect(stage.getByText('awaiting review')).toBeInTheDocument();
    expect(stage.getByText('checks passing')).toBeInTheDocument();
  });

  it('shows nothing of the kind without a pending pull request', async () => {
    await renderInTestApp(<EnvironmentStage item={production} />);
    expect(screen.queryByText(/Pending pull request/)).not.toBeInTheDocument();
    expect(screen.queryByText('awaiting review')).not.toBeInTheDocument();
  });
});

describe('TimelineEventItem: a deployment waiting for its pull request', () => {
  it('shows review and checks next to the pull request link', async () => {
    const url = 'https://github.com/shop/deploy/pull/7';
    await renderInTestApp(
      <TimelineEventItem
        event={{
          id: 'deployment:1',
          at: new Date().toISOString(),
          environment: 'production',
          kind: 'deployment',
          summary: 'Deploy 1.4.0 → 1.5.0 (pr-opened)',
          links: [{ title: 'Pull request', url }],
          pullRequest: {
            number: 7,
            url,
            state: 'open',
            review: 'changes-requested',
            checks: 'failing',
          },
        }}
      />,
    );
    expect(screen.getByRole('link', { name: /^Pull request/ })).toHaveAttribute(
      'href',
      url,
    );
    expect(screen.getByText('changes requested')).toBeInTheDocument();
    expect(screen.getByText('checks failing')).toBeInTheDocument();
  });
});
