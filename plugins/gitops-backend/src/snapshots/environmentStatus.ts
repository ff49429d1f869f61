import { EnvironmentStatus } from '@shipdeck/plugin-gitops-common';
import { sameImage, versionOf } from '../manifests/imageRef';
import { operationHooks } from './operationHooks';
import { AppSnapshot, InstanceStatus } from '../database/SnapshotStore';

/**
 * What the entity page shows of one Application, from the snapshot. The data
 * is stale when the instance's last look failed or is older than
 * `staleAfterMs`, so a viewer knows its age while an instance is down.
 */
export function environmentStatus(
  snapshot: AppSnapshot,
  instance: InstanceStatus | undefined,
  options: { image?: string; now: number; staleAfterMs: number },
): EnvironmentStatus {
  const { application: app } = snapshot;
  const images = app.status?.summary?.images ?? [];
  const own = options.image
    ? images.filter(i => sameImage(i, options.image!))
    : [];
  const op = app.status?.operationState;
  const hooks = operationHooks(op);
  const rollout = (app.status?.resources ?? []).find(r => r.kind === 'Rollout');
  const lastSuccess = instance?.lastSuccessAt
    ? Date.parse(instance.lastSuccessAt)
    : 0;
  const stale =
    !instance ||
    Boolean(instance.lastError) ||
    options.now - lastSuccess > options.staleAfterMs;
  return {
    sync: app.status?.sync?.status ?? 'Unknown',
    health: app.status?.health?.status ?? 'Unknown',
    ...(app.status?.health?.message
      ? { healthMessage: app.status.health.message }
      : {}),
    ...(app.status?.sync?.revision
      ? { revision: app.status.sync.revision }
      : {}),
    images,
    // Mid-rollout both versions run; the newest listed is the one being rolled out.
    ...(own.length ? { version: versionOf(own[own.length - 1]) } : {}),
    ...(op?.phase
      ? {
          operation: {
            phase: op.phase,
            ...(op.startedAt ? { startedAt: op.startedAt } : {}),
            ...(op.finishedAt ? { finishedAt: op.finishedAt } : {}),
            ...(op.message ? { message: op.message } : {}),
            ...(hooks.length ? { hooks } : {}),
          },
        }
      : {}),
    ...(rollout?.name
      ? {
          rollout: {
            name: rollout.name,
            health: rollout.health?.status ?? 'Unknown',
            ...(rollout.health?.message
              ? { message: rollout.health.message }
              : {}),
          },
        }
      : {}),
    observedAt: snapshot.observedAt,
    stale,
  };
}
