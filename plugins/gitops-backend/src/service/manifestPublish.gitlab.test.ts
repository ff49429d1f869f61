import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  gitlabProject,
  startGitLabBackend,
} from '../__testUtils__/gitlabBackend';
import { createTestDatabases } from '../__testUtils__/testDatabases';

// Every GitLab call runs git in the stand-in: slow on two busy cores.
jest.setTimeout(300_000);

const databases = createTestDatabases();
const user = mockCredentials.user.header('user:default/guest');

const files = [
  { path: 'quotes/base/kustomization.yaml', content: 'resources: []\n' },
  {
    path: 'quotes/overlays/dev/kustomization.yaml',
    content: 'resources:\n  - ../../base\n',
    environment: 'dev',
  },
  {
    path: 'argocd/production/quotes.yaml',
    content: 'kind: Application\nmetadata:\n  name: quotes-production\n',
    environment: 'production',
  },
];

describe('publishing manifests to GitLab (stand-in)', () => {
  it('commits through the commits API, opens one merge request for production, and refuses a clash without writing', async () => {
    const { server, git, standIn, close } = await startGitLabBackend({
      knex: await databases.init('SQLITE_3'),
    });
    try {
      const post = (body: object) =>
        request(server)
          .post('/api/gitops/entities/default/component/quotes/manifests')
          .set('Authorization', user)
          .send(body);
      const before = git('rev-parse', 'main');
      const res = await post({ files }).expect(202);

      expect(res.body.commitSha).toBe(git('rev-parse', 'main'));
      expect(git('rev-parse', 'main^')).toBe(before);
      expect(res.body.commitUrl).toBe(
        `https://gitlab.example.com/${gitlabProject}/-/commit/${res.body.commitSha}`,
      );
      expect(
        git('show', '--name-only', '--format=', 'main').split('\n').sort(),
      ).toEqual([
        'quotes/base/kustomization.yaml',
        'quotes/overlays/dev/kustomization.yaml',
      ]);
      const branch = 'shipdeck/production/new-quotes';
      expect(git('rev-parse', `${branch}^`)).toBe(res.body.commitSha);
      expect(git('show', '--name-only', '--format=', branch)).toBe(
        'argocd/production/quotes.yaml',
      );
      expect(res.body.pullRequest).toMatchObject({
        created: true,
        url: `https://gitlab.example.com/${gitlabProject}/-/merge_requests/1`,
      });
      expect(
        res.body.files.find((f: any) => f.path === files[0].path).url,
      ).toBe(
        `https://gitlab.example.com/${gitlabProject}/-/blob/main/quotes/base/kustomization.yaml`,
      );

      // A clash is found before anything is written: no commit, no new branch.
      standIn.resetCalls();
      const refs = git('for-each-ref', '--format=%(refname) %(objectname)');
      const clash = await post({
        files: [{ ...files[0], content: 'resources: [x.yaml]\n' }],
      }).expect(409);
      expect(clash.body.error.message).toContain(
        'quotes/base/kustomization.yaml',
      );
      expect(git('for-each-ref', '--format=%(refname) %(objectname)')).toBe(
        refs,
      );
      // Reads only: REST GETs and the GraphQL query that reads the files.
      expect(
        standIn.calls
          .map(c => `${c.method} ${c.path}`)
          .filter(c => !c.startsWith('GET ') && c !== 'POST /api/graphql'),
      ).toEqual([]);
      expect(standIn.calls.map(c => c.path)).toContain('/api/graphql');
    } finally {
      await close();
    }
  });
});
