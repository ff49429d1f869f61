import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { AuthorizedSyncService } from './AuthorizedSyncService';
import { ArgoActionTarget, SyncService } from './SyncService';

const target: ArgoActionTarget = {
  entityRef: 'component:default/cart',
  environment: {
    name: 'production',
    title: 'Production',
    order: 2,
    pullRequest: true,
    protected: true,
    argocdInstance: 'local',
    verifyImages: false,
  },
  application: { instance: 'local', name: 'cart-production' },
};
const options = { credentials: mockCredentials.user('user:default/guest') };

/** An inner service that records what reached it. */
function recordingInner() {
  const reached: string[] = [];
  const outcome = async (name: string) => {
    reached.push(name);
    return {
      application: target.application,
      state: 'syncing',
      message: name,
    };
  };
  const inner: SyncService = {
    locate: async () => {
      reached.push('locate');
      return target;
    },
    sync: () => outcome('sync'),
    refresh: () => outcome('refresh'),
    terminate: () => outcome('terminate'),
    rolloutAction: () => outcome('rolloutAction'),
    rollback: () => outcome('rollback'),
  };
  return { inner, reached };
}

const actions: Array<[string, (s: SyncService) => Promise<unknown>]> = [
  ['sync', s => s.sync(target, {}, options)],
  ['refresh', s => s.refresh(target, { hard: true }, options)],
  ['terminate', s => s.terminate(target, options)],
  ['rolloutAction', s => s.rolloutAction(target, 'promote', options)],
  ['rollback', s => s.rollback(target, { historyId: 3 }, options)],
];

describe('AuthorizedSyncService', () => {
  it.each(actions)(
    'checks gitops.sync in %s itself, so a located target is not enough',
    async (name, act) => {
      const denied = recordingInner();
      const service = new AuthorizedSyncService(
        denied.inner,
        mockServices.permissions({ result: AuthorizeResult.DENY }),
      );
      // Locating is a read: it is not what the permission guards.
      await service.locate(
        { kind: 'component', namespace: 'default', name: 'cart' },
        'production',
        options,
      );
      await expect(act(service)).rejects.toThrow(
        'You may not sync component:default/cart in production: gitops.sync is needed',
      );
      expect(denied.reached).toEqual(['locate']);

      const allowed = recordingInner();
      await act(
        new AuthorizedSyncService(
          allowed.inner,
          mockServices.permissions({ result: AuthorizeResult.ALLOW }),
        ),
      );
      expect(allowed.reached).toEqual([name]);
    },
  );
});
