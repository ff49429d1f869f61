import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { startGitopsBackend } from '../__testUtils__/gitopsBackend';
import { createGitopsEnvironmentsListAction } from './gitopsEnvironmentsList';

jest.setTimeout(60_000);

describe('gitops:environments:list', () => {
  it('reads the environments from the real gitops backend over HTTP, as the initiator', async () => {
    const backend = await startGitopsBackend();
    const action = createGitopsEnvironmentsListAction(backend.options);
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
    // This backend configures no default manifest repository.
    expect(ctx.output).not.toHaveBeenCalledWith(
      'repository',
      expect.anything(),
    );
    await backend.stop();
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
