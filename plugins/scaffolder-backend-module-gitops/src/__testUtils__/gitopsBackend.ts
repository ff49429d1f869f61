import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import gitopsPlugin from '@shipdeck/plugin-gitops-backend';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { AddressInfo } from 'node:net';

/**
 * The real gitops backend with dev, staging and production (pull requests,
 * protected), and the options an action factory takes to reach it. Tests
 * that need more add gitops config (a manifest repository, Argo CD), catalog
 * entities or service factories.
 */
export async function startGitopsBackend(
  extra: {
    gitops?: Record<string, unknown>;
    entities?: Entity[];
    features?: Parameters<typeof startTestBackend>[0]['features'];
  } = {},
) {
  const backend = await startTestBackend({
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
            ...extra.gitops,
          },
        },
      }),
      catalogServiceMock.factory({ entities: extra.entities ?? [] }),
      ...(extra.features ?? []),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  const baseUrl = async (id: string) => `http://localhost:${port}/api/${id}`;
  return {
    baseUrl,
    options: {
      auth: mockServices.auth(),
      discovery: { getBaseUrl: baseUrl, getExternalBaseUrl: baseUrl },
    },
    stop: () => backend.stop(),
  };
}

type MockInput = NonNullable<
  Parameters<typeof createMockActionContext>[0]
>['input'];

/** Runs an action's handler on a fresh workspace; outputs by name. */
export async function runAction(
  action: { handler(ctx: any): Promise<void> },
  input: Record<string, unknown>,
  options: { dryRun?: boolean; workspacePath?: string } = {},
) {
  const base = createMockActionContext({
    input: input as MockInput,
    ...(options.workspacePath && { workspacePath: options.workspacePath }),
  });
  const ctx = { ...base, isDryRun: options.dryRun ?? false };
  await action.handler(ctx);
  const outputs: Record<string, any> = Object.fromEntries(
    (ctx.output as jest.Mock).mock.calls.map(([name, value]) => [name, value]),
  );
  return { workspacePath: ctx.workspacePath, outputs };
}

/** Every file under a folder with its content, to compare before and after. */
export async function snapshotFolder(
  dir: string,
): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  const walk = async (folder: string) => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(
      error => {
        if (error.code === 'ENOENT') return [];
        throw error;
      },
    );
    for (const entry of entries) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) {
        result[`${relative(dir, full)}/`] = '';
        await walk(full);
      } else {
        result[relative(dir, full)] = await readFile(full, 'utf8');
      }
    }
  };
  await walk(dir);
  return result;
}
