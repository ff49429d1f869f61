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
      },
    );
    expect(info({ repo: 'local:demo' })).toEqual({
      repository: 'local:demo',
      branch: 'main',
      repoURL: 'local:demo',
    });
    expect(info({})).toBeUndefined();
  });
});
