import { ConfigReader } from '@backstage/config';
import { manifestRepositoryInfo } from './manifestRepositoryInfo';

const info = (manifests: object) =>
  manifestRepositoryInfo(new ConfigReader({ gitops: { manifests } }));

describe('manifestRepositoryInfo', () => {
  it('names a hosted repository by its clone URL and a local one by its id', () => {
    expect(info({ repo: 'github.com/acme/deploy', branch: 'release' })).toEqual(
      {
        repository: 'github.com/acme/deploy',
        branch: 'release',
        repoURL: 'https://github.com/acme/deploy.git',
        provider: 'github',
      },
    );
    expect(info({ repo: 'local:demo' })).toEqual({
      repository: 'local:demo',
      branch: 'main',
      repoURL: 'local:demo',
      provider: 'local',
    });
    expect(info({})).toBeUndefined();
  });

  it('says a repository on a GitLab host is on GitLab, nested groups and all', () => {
    const config = new ConfigReader({
      integrations: { gitlab: [{ host: 'gitlab.example.com', token: 't' }] },
      gitops: {
        manifests: { repo: 'gitlab.example.com/platform/deploy/manifests' },
      },
    });
    expect(manifestRepositoryInfo(config)).toEqual({
      repository: 'gitlab.example.com/platform/deploy/manifests',
      branch: 'main',
      repoURL: 'https://gitlab.example.com/platform/deploy/manifests.git',
      provider: 'gitlab',
    });
  });
});
