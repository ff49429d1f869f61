import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import gitopsPlugin from '@shipdeck/plugin-gitops-backend';
import { AddressInfo } from 'node:net';
import { createGitopsEnvironmentsListAction } from './gitopsEnvironmentsList';

jest.setTimeout(60_000);

describe('gitops:environments:list', () => {
  it('reads the environments from the real gitops backend over HTTP, as the initiator', async () => {
    const { server } = await startTestBackend({
      features: [
        gitopsPlugin,
        mockServices.rootConfig.factory({
          data: {
            gitops: {
              environments: [
                { name: 'dev' },
                { name: 'staging' },
                { name: 'production', pullRequest: true, protected: true },
              ],
            },
          },
        }),
        catalogServiceMock.factory({ entities: [] }),
      ],
    });
    const { port } = server.address() as AddressInfo;
    const action = createGitopsEnvironmentsListAction({
      auth: mockServices.auth(),
      discovery: {
        getBaseUrl: async id => `http://localhost:${port}/api/${id}`,
        getExternalBaseUrl: async id => `http://localhost:${port}/api/${id}`,
      },
    });
    const ctx = createMockActionContext({ input: {} });
    await action.handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('names', [
      'dev',
      'staging',
      'production',
    ]);
    expect(ctx.output).toHaveBeenCalledWith('environments', [
      { name: 'dev', title: 'dev', pullRequest: false, protected: false },
      {
        name: 'staging',
        title: 'staging',
        pullRequest: false,
        protected: false,
        promotesFrom: 'dev',
      },
      {
        name: 'production',
        title: 'production',
        pullRequest: true,
        protected: true,
        promotesFrom: 'staging',
      },
    ]);
  });

  it('fails with the backend’s message when the backend refuses', async () => {
    const action = createGitopsEnvironmentsListAction({
      auth: mockServices.auth(),
      discovery: {
        getBaseUrl: async () => 'http://127.0.0.1:9/api/gitops',
        getExternalBaseUrl: async () => 'http://127.0.0.1:9/api/gitops',
      },
    });
    await expect(
      action.handler(createMockActionContext({ input: {} })),
    ).rejects.toThrow();
  });
});
