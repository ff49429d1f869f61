import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { ArgoApplication, ArgoOperationState } from './types';
import {
  assessDeployment,
  DeploymentExpectation,
  DeploymentState,
} from '../service/deploymentProgress';
import { DeploymentWaitTimeoutError, waitForDeployment } from './waitForSync';

const SHA = 'c'.repeat(40);
const exactly = (text: string) =>
  new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
const OTHER = 'd'.repeat(40);
const INFO = { name: 'shipdeck.io/deployment', value: 'dep-1' };

function app(
  op?: ArgoOperationState,
  status: NonNullable<ArgoApplication['status']> = {},
  extra: Partial<ArgoApplication> = {},
): ArgoApplication {
  return {
    metadata: { name: 'cart-dev', namespace: 'argocd' },
    spec: { project: 'shop' },
    status: {
      sync: { status: 'Synced', revision: SHA },
      health: { status: 'Healthy' },
      ...(op ? { operationState: op } : {}),
      ...status,
    },
    ...extra,
  };
}

const running = (message?: string): ArgoOperationState => ({
  phase: 'Running',
  message,
  startedAt: '2025-03-01T12:00:02Z',
  operation: {
    sync: {},
    info: [INFO],
    initiatedBy: { username: 'shipdeck' },
  },
});

const succeeded = (
  overrides: Partial<ArgoOperationState> = {},
): ArgoOperationState => ({
  ...running(),
  phase: 'Succeeded',
  message: 'successfully synced (all tasks run)',
  finishedAt: '2025-03-01T12:00:05Z',
  syncResult: { revision: SHA },
  ...overrides,
});

const hookFailure: ArgoOperationState = {
  ...running(),
  phase: 'Failed',
  message: 'one or more synchronization tasks completed unsuccessfully',
  finishedAt: '2025-03-01T12:00:30Z',
  syncResult: {
    revision: SHA,
    resources: [
      {
        kind: 'Job',
        name: 'db-migrate',
        namespace: 'cart',
        hookType: 'PreSync',
        syncPhase: 'PreSync',
        hookPhase: 'Failed',
        status: '',
        message: 'Job has reached the specified backoff limit',
      },
      { kind: 'Deployment', name: 'cart', status: 'Synced', syncPhase: 'Sync' },
    ],
  },
};

const expectation: DeploymentExpectation = {
  revision: SHA,
  startedAfter: '2025-03-01T12:00:00.400Z',
  operationInfo: INFO,
};

describe('assessDeployment', () => {
  const cases: Array<
    [
      string,
      ArgoApplication,
      DeploymentExpectation,
      DeploymentState,
      string | RegExp,
    ]
  > = [
    [
      'no operation yet',
      app(),
      expectation,
      'pending',
      'No sync operation has started yet',
    ],
    [
      'a requested operation the controller has not picked up',
      app(undefined, {}, { operation: { sync: {}, info: [INFO] } }),
      expectation,
      'pending',
      /accepted the sync request/,
    ],
    [
      'a PreSync hook running',
      app(running('waiting for completion of hook batch/Job/db-migrate')),
      expectation,
      'syncing',
      'waiting for completion of hook batch/Job/db-migrate',
    ],
    [
      'an operation being terminated',
      app({ ...running(), phase: 'Terminating' }),
      expectation,
      'syncing',
      'The sync is being terminated',
    ],
    [
      'a failed PreSync hook, named with its message',
      app(hookFailure),
      expectation,
      'failed',
      'one or more synchronization tasks completed unsuccessfully; PreSync hook Job/db-migrate failed: Job has reached the specified backoff limit',
    ],
    [
      'a resource that failed to apply',
      app({
        ...running(),
        phase: 'Failed',
        message: 'one or more objects failed to apply',
        syncResult: {
          revision: SHA,
          resources: [
            {
              kind: 'Deployment',
              name: 'cart',
              status: 'SyncFailed',
              message: 'admission webhook denied the request',
            },
          ],
        },
      }),
      expectation,
      'failed',
      'one or more objects failed to apply; Deployment/cart failed to sync: admission webhook denied the request',
    ],
    [
      'an operation that errored without a message',
      app({ ...running(), phase: 'Error' }),
      expectation,
      'failed',
      'The sync operation errored',
    ],
    [
      'a terminated operation',
      app({ ...running(), phase: 'Failed', message: 'Operation terminated' }),
      expectation,
      'failed',
      'Operation terminated',
    ],
    [
      'a sync to another revision',
      app(succeeded({ syncResult: { revision: OTHER } }), {
        reconciledAt: '2025-03-01T12:00:06Z',
      }),
      expectation,
      'pending',
      'The last sync applied ddddddd, not ccccccc; waiting for a sync to it',
    ],
    [
      'old Healthy right after finishedAt (reconciled before the sync finished)',
      app(succeeded(), { reconciledAt: '2025-03-01T12:00:04Z' }),
      expectation,
      'synced',
      'Synced ccccccc at 2025-03-01T12:00:05Z; waiting for Argo CD to assess health (last reconciled 2025-03-01T12:00:04Z)',
    ],
    [
      'never reconciled',
      app(succeeded()),
      expectation,
      'synced',
      /last reconciled never/,
    ],
    [
      'reconciled in the same second as finishedAt',
      app(succeeded(), { reconciledAt: '2025-03-01T12:00:05Z' }),
      expectation,
      'healthy',
      'Synced ccccccc and Healthy',
    ],
    [
      'reconciled in the same second, with sub-second digits',
      app(succeeded({ finishedAt: '2025-03-01T12:00:05.900Z' }), {
        reconciledAt: '2025-03-01T12:00:05.100Z',
      }),
      expectation,
      'healthy',
      'Synced ccccccc and Healthy',
    ],
    [
      'fresh and still Progressing',
      app(succeeded(), {
        reconciledAt: '2025-03-01T12:00:07Z',
        health: {
          status: 'Progressing',
          message: 'Waiting for rollout to finish',
        },
      }),
      expectation,
      'synced',
      'Synced ccccccc; health Progressing: Waiting for rollout to finish',
    ],
    [
      'a Rollout paused for promotion',
      app(succeeded(), {
        reconciledAt: '2025-03-01T12:00:07Z',
        health: { status: 'Suspended', message: 'CanaryPauseStep' },
      }),
      expectation,
      'suspended',
      'Synced ccccccc; Suspended: CanaryPauseStep',
    ],
    [
      'Degraded after a fresh reconcile',
      app(succeeded(), {
        reconciledAt: '2025-03-01T12:00:40Z',
        health: { status: 'Degraded' },
        resources: [
          {
            kind: 'Deployment',
            name: 'cart',
            health: {
              status: 'Degraded',
              message: 'Deployment "cart" exceeded its progress deadline',
            },
          },
          { kind: 'Service', name: 'cart', health: { status: 'Healthy' } },
        ],
      }),
      expectation,
      'degraded',
      'Degraded: Deployment/cart: Deployment "cart" exceeded its progress deadline',
    ],
    [
      'healthy but OutOfSync (drift does not gate)',
      app(succeeded(), {
        reconciledAt: '2025-03-01T12:00:07Z',
        sync: { status: 'OutOfSync', revision: SHA },
      }),
      expectation,
      'healthy',
      'Synced ccccccc and Healthy',
    ],
    [
      'a multi-source sync reporting revisions[]',
      app(
        succeeded({ syncResult: { revision: '', revisions: ['1.4.2', SHA] } }),
        {
          reconciledAt: '2025-03-01T12:00:07Z',
        },
      ),
      expectation,
      'healthy',
      'Synced ccccccc and Healthy',
    ],
    [
      'an expected short SHA',
      app(succeeded(), { reconciledAt: '2025-03-01T12:00:07Z' }),
      { revision: SHA.slice(0, 7) },
      'healthy',
      'Synced ccccccc and Healthy',
    ],
    [
      'an operation that started before the deployment',
      app(succeeded({ startedAt: '2025-03-01T11:59:59Z' }), {
        reconciledAt: '2025-03-01T12:00:07Z',
      }),
      expectation,
      'pending',
      "Waiting for this deployment's sync: the last operation started 2025-03-01T11:59:59Z, before 2025-03-01T12:00:00.400Z",
    ],
    [
      'an operation that started in the same second as the deployment',
      app(succeeded({ startedAt: '2025-03-01T12:00:00Z' }), {
        reconciledAt: '2025-03-01T12:00:07Z',
      }),
      expectation,
      'healthy',
      'Synced ccccccc and Healthy',
    ],
    [
      "someone else's running operation (no deployment id in its info)",
      app({
        ...running('waiting for healthy state of apps/Deployment/cart'),
        operation: { sync: {}, initiatedBy: { automated: true } },
      }),
      expectation,
      'pending',
      'Another operation is running (started 2025-03-01T12:00:02Z by auto-sync): the operation does not carry shipdeck.io/deployment=dep-1',
    ],
    [
      'a dry run',
      app(
        succeeded({
          operation: { sync: { dryRun: true }, info: [INFO] },
        }),
        { reconciledAt: '2025-03-01T12:00:07Z' },
      ),
      expectation,
      'pending',
      /dry run/,
    ],
    [
      'no expectation at all: any finished, fresh, healthy operation',
      app(succeeded({ syncResult: {} }), {
        reconciledAt: '2025-03-01T12:00:07Z',
      }),
      {},
      'healthy',
      'Synced and Healthy',
    ],
  ];

  it.each(cases)('%s', (_name, application, expected, state, reason) => {
    const result = assessDeployment(application, expected);
    expect(result.state).toBe(state);
    expect(result.reason).toMatch(
      typeof reason === 'string' ? exactly(reason) : reason,
    );
  });
});

describe('waitForDeployment', () => {
  const ref = { instance: 'main', name: 'cart-dev', project: 'shop' };

  /** A client whose app advances one step per poll, staying on the last. */
  function fakeClient(steps: Array<ArgoApplication | Error>) {
    let index = 0;
    const getApplication = jest.fn(async () => {
      const step = steps[Math.min(index, steps.length - 1)];
      index += 1;
      if (step instanceof Error) throw step;
      return step;
    });
    return { getApplication };
  }

  const healthy = app(succeeded(), { reconciledAt: '2025-03-01T12:00:06Z' });

  it('polls without refresh until healthy, reporting each change once', async () => {
    const client = fakeClient([
      app(),
      app(running('waiting for completion of hook batch/Job/db-migrate')),
      app(running('waiting for completion of hook batch/Job/db-migrate')),
      app(succeeded(), { reconciledAt: '2025-03-01T12:00:01Z' }),
      healthy,
    ]);
    const progress: string[] = [];
    const result = await waitForDeployment(client, ref, expectation, {
      timeoutMs: 5_000,
      pollMs: 5,
      onProgress: state => {
        progress.push(state);
      },
    });
    expect(result).toEqual({
      state: 'healthy',
      reason: 'Synced ccccccc and Healthy',
    });
    expect(progress).toEqual(['pending', 'syncing', 'synced', 'healthy']);
    expect(client.getApplication).toHaveBeenCalledTimes(5);
    for (const call of client.getApplication.mock.calls as unknown[][]) {
      expect(call).toEqual([ref]);
    }
  });

  it('resolves with failed and degraded outcomes rather than rejecting', async () => {
    await expect(
      waitForDeployment(fakeClient([app(hookFailure)]), ref, expectation, {
        timeoutMs: 1_000,
        pollMs: 5,
      }),
    ).resolves.toMatchObject({
      state: 'failed',
      reason: expect.stringContaining('PreSync hook Job/db-migrate failed'),
    });
    await expect(
      waitForDeployment(
        fakeClient([
          app(succeeded(), {
            reconciledAt: '2025-03-01T12:00:09Z',
            health: { status: 'Degraded' },
          }),
        ]),
        ref,
        expectation,
        { timeoutMs: 1_000, pollMs: 5 },
      ),
    ).resolves.toEqual({ state: 'degraded', reason: 'Degraded' });
  });

  it('tolerates an unreachable instance while waiting', async () => {
    const client = fakeClient([
      app(running()),
      new ServiceUnavailableError("Argo CD instance 'main' is unreachable"),
      healthy,
    ]);
    await expect(
      waitForDeployment(client, ref, expectation, {
        timeoutMs: 1_000,
        pollMs: 5,
      }),
    ).resolves.toMatchObject({ state: 'healthy' });
  });

  it('stops at once on other errors', async () => {
    const client = fakeClient([
      new NotFoundError(
        "Argo CD instance 'main' has no application 'cart-dev'",
      ),
    ]);
    await expect(
      waitForDeployment(client, ref, expectation, {
        timeoutMs: 1_000,
        pollMs: 5,
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(client.getApplication).toHaveBeenCalledTimes(1);
  });

  it('times out stating the last state seen', async () => {
    const client = fakeClient([
      app(running('waiting for completion of hook batch/Job/db-migrate')),
    ]);
    const started = Date.now();
    const error = await waitForDeployment(client, ref, expectation, {
      timeoutMs: 120,
      pollMs: 20,
    }).catch(e => e);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(DeploymentWaitTimeoutError);
    expect(error.message).toBe(
      "Argo CD application 'cart-dev' on instance 'main' did not finish deploying within 120 ms; last state: syncing (waiting for completion of hook batch/Job/db-migrate)",
    );
    expect(error.last).toEqual({
      state: 'syncing',
      reason: 'waiting for completion of hook batch/Job/db-migrate',
    });
  });

  it('times out on schedule even when a poll hangs, and says why polls failed', async () => {
    const hanging = {
      getApplication: jest.fn(() => new Promise<ArgoApplication>(() => {})),
    };
    const started = Date.now();
    await expect(
      waitForDeployment(hanging, ref, expectation, {
        timeoutMs: 100,
        pollMs: 10,
      }),
    ).rejects.toThrow('within 100 ms; last state: none');
    expect(Date.now() - started).toBeLessThan(1_000);

    const unreachable = fakeClient([
      new ServiceUnavailableError(
        "Argo CD instance 'main' is unreachable: GET timed out",
      ),
    ]);
    await expect(
      waitForDeployment(unreachable, ref, expectation, {
        timeoutMs: 60,
        pollMs: 10,
      }),
    ).rejects.toThrow(
      "last state: none; last poll failed: Argo CD instance 'main' is unreachable: GET timed out",
    );
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const client = fakeClient([app(running())]);
    const waiting = waitForDeployment(client, ref, expectation, {
      timeoutMs: 5_000,
      pollMs: 10,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('deployment cancelled')), 30);
    await expect(waiting).rejects.toThrow('deployment cancelled');
  });
});
