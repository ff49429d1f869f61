import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { gitopsApiRef } from '../api';
import { mockGitopsApi } from '../__testUtils__/mockGitopsApi';
import { EnvironmentFlags } from './EnvironmentFlags';

const production = { pullRequest: true, protected: true };

describe('EnvironmentFlags', () => {
  it('says merge request when the manifest repository is on GitLab', async () => {
    const api = {
      ...mockGitopsApi({}),
      getManifestRepository: async () => ({
        repository: 'gitlab.example.com/platform/deploy',
        branch: 'main',
        repoURL: 'https://gitlab.example.com/platform/deploy.git',
        provider: 'gitlab' as const,
      }),
    };
    await renderInTestApp(
      <TestApiProvider apis={[[gitopsApiRef, api]]}>
        <EnvironmentFlags environment={production} />
      </TestApiProvider>,
    );
    expect(await screen.findByText('merge request')).toBeInTheDocument();
    expect(screen.queryByText('pull request')).not.toBeInTheDocument();
  });

  it('says pull request on GitHub, and where the backend does not say', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[gitopsApiRef, mockGitopsApi({})]]}>
        <EnvironmentFlags environment={production} />
      </TestApiProvider>,
    );
    expect(screen.getByText('pull request')).toBeInTheDocument();
  });
});
