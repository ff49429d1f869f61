import { randomUUID } from 'node:crypto';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { GITOPS_SIGNAL_CHANNEL } from '@shipdeck/plugin-gitops-common';
import request from 'supertest';
import { ArgoApplication, ArgoCdClient } from '../argocd/types';
import { DatabaseDeploymentStore } from '../database/DatabaseDeploymentStore';
import { DeploymentProgressTracker } from '../service/DeploymentProgressTracker';
import { SnapshotRefresher } from '../snapshots/SnapshotRefresher';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { startExampleBackend } from '../__testUtils__/exampleBackend';
import { GitopsSignal } from '@shipdeck/plugin-gitops-common';
import { DeploymentNotifier } from './DeploymentNotifier';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const user = mockCredentials.user.header('user:default/guest');

/** A signals service that records what was published, or fails. */
function signalsStandIn(options: { fail?: boolean } = {}) {
  const published: unknown[] = [];
  const factory = createServiceFactory({
    service: signalsServiceRef,
    deps: {},
    factory: () => ({
      publish: async (signal: unknown) => {
        if (options.fail) throw new Error('events bus down');
        published.push(signal);
      },
    }),
  });
  return { published, factory };
}

/** A notifier that keeps what it was told. */
function recordingNotifier() {
  const told: GitopsSignal[] = [];
  const notifier: DeploymentNotifier = {
    notify: async signals => {
      told.push(...signals);
    },
  };
  return { told, notifier };
}

/** An Argo CD that serves whatever Applications the test sets. */
function argoStandIn(apps: () => ArgoApplication[]): ArgoCdClient {
  return {
    instances: () => ['local'],
    listApplications: async () => ({ items: apps() }),
    getApplication: async (ref: { name: string }) =>
      apps().find(a => a.metadata.name === ref.name)!,
  } as unknown as ArgoCdClient;
}

describe.each(databases.eachSupportedId())('signals on %s', databaseId => {
  it('broadcasts the new record of a deploy: entity, environment, id and status', async () => {
    const signals = signalsStandIn();
    const { server } = await startExampleBackend({
      knex: await databases.init(databaseId),
      features: [signals.factory],
    });
    const res = await request(server)
      .post('/api/gitops/entities/default/component/cart/deployments')
      .set('Authorization', user)
      .send({ environment: 'dev', version: '1.13.0' })
      .expect(202);
    expect(signals.published).toEqual([
      {
        recipients: { type: 'broadcast' },
        channel: GITOPS_SIGNAL_CHANNEL,
        message: {
          entityRef: 'component:default/cart',
          environment: 'dev',
          deploymentId: res.body.deployments[0].id,
          status: 'committed',
        },
      },
    ]);
    // A dry run writes nothing, so it tells nobody.
    await request(server)
      .post('/api/gitops/entities/default/component/cart/deployments')
      .set('Authorization', user)
      .send({ environment: 'dev', version: '1.14.0', dryRun: true })
      .expect(200);
    expect(signals.published).toHaveLength(1);
  });

  it('still deploys when publishing fails', async () => {
    const signals = signalsStandIn({ fail: true });
    const { server, git } = await startExampleBackend({
      knex: await databases.init(databaseId),
      features: [signals.factory],
    });
    await request(server)
      .post('/api/gitops/entities/default/component/cart/deployments')
      .set('Authorization', user)
      .send({ environment: 'dev', version: '1.13.0' })
      .expect(202);
    expect(git('show', 'main:cart/overlays/dev/kustomization.yaml')).toContain(
      'newTag: "1.13.0"',
    );
  });

  it('signals when the refresher advances a record and when its Application changes health', async () => {
    const knex = await databases.init(databaseId);
    const store = await DatabaseDeploymentStore.create({
      database: { getClient: async () => knex },
    });
    const createdAt = new Date(Date.now() - 60_000).toISOString();
    const [record] = await store.insertMany([
      {
        id: randomUUID(),
        entityRef: 'component:default/cart',
        environment: 'dev',
        action: 'deploy',
        actor: 'user:default/guest',
        toVersion: '1.13.0',
        status: 'committed',
        commitSha: 'a'.repeat(40),
        argocd: { instance: 'local', name: 'cart-dev' },
        createdAt,
        steps: [{ name: 'committed', at: createdAt }],
      },
    ]);
    let health = 'Progressing';
    const app = (): ArgoApplication => ({
      metadata: { name: 'cart-dev', namespace: 'argocd' },
      status: {
        sync: { status: 'OutOfSync', revision: 'a'.repeat(40) },
        health: { status: health as any },
        operationState: {
          phase: 'Running',
          startedAt: new Date().toISOString(),
        },
      },
    });
    const { told, notifier } = recordingNotifier();
    const refresher = new SnapshotRefresher(
      argoStandIn(() => [app()]),
      store.snapshots(),
      store,
      mockServices.logger.mock(),
      notifier,
      new DeploymentProgressTracker({
        snapshots: store.snapshots(),
        deployments: store,
        notifier,
      }),
    );

    await refresher.refreshAll();
    expect((await store.get(record.id))?.status).toBe('syncing');
    expect(told).toEqual([
      {
        entityRef: 'component:default/cart',
        environment: 'dev',
        deploymentId: record.id,
        status: 'syncing',
      },
    ]);

    // Nothing moved: nothing to tell.
    told.length = 0;
    await refresher.refreshAll();
    expect(told).toEqual([]);

    health = 'Degraded';
    await refresher.refreshAll();
    expect(told).toContainEqual({
      entityRef: 'component:default/cart',
      environment: 'dev',
    });
  });
});
