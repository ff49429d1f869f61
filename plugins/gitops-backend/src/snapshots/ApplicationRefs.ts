import { Entity } from '@backstage/catalog-model';
import { ARGOCD_ANNOTATIONS } from '@shipdeck/plugin-gitops-common';
import {
  ApplicationLocatorOptions,
  isLocated,
  locateApplications,
} from '../argocd/ApplicationLocator';
import { ArgoApplication } from '../argocd/types';
import { Target } from '../targets/TargetResolver';
import { SnapshotStore } from '../database/SnapshotStore';

/** A target whose Application could not be told from the snapshot, and why. */
export type LocatedTarget = Target & { argocdError?: string };

/**
 * Finds the Applications of entities that name theirs by label selector
 * (`argocd/app-selector`, as the existing Argo CD plugins do): the selector is
 * matched against the stored snapshot, never against Argo CD. Entities that
 * name their Application keep the name from the template.
 */
export class ApplicationRefs {
  constructor(
    private readonly snapshots: SnapshotStore,
    private readonly options: ApplicationLocatorOptions,
    private readonly applicationUrl: (ref: {
      instance: string;
      name: string;
      namespace?: string;
    }) => string | undefined,
  ) {}

  /**
   * Targets of any entities, each with the Application the snapshot
   * locates for it; targets whose entity names its Applications come back
   * as they are. For what is built from targets alone, such as deployment
   * records.
   */
  async locateTargets(targets: Target[]): Promise<LocatedTarget[]> {
    const byEntity = new Map<Entity, Target[]>();
    for (const target of targets) {
      if (!target.selectedBy) continue;
      byEntity.set(target.selectedBy, [
        ...(byEntity.get(target.selectedBy) ?? []),
        target,
      ]);
    }
    const located = new Map<Target, LocatedTarget>();
    for (const [entity, own] of byEntity) {
      (await this.locate(entity, own)).forEach((found, i) =>
        located.set(own[i], found),
      );
    }
    return targets.map(target => located.get(target) ?? target);
  }

  async locate(entity: Entity, targets: Target[]): Promise<LocatedTarget[]> {
    if (!entity.metadata.annotations?.[ARGOCD_ANNOTATIONS.appSelector]) {
      return targets;
    }
    const instances = [...new Set(targets.map(t => t.argocd.instance))];
    const apps = new Map<string, ArgoApplication[]>(
      await Promise.all(
        instances.map(
          async instance =>
            [
              instance,
              (
                await this.snapshots.listInstance(instance)
              ).map(s => s.application),
            ] as const,
        ),
      ),
    );
    const located = locateApplications(
      entity,
      targets.map(t => ({
        name: t.environment.name,
        argocdInstance: t.argocd.instance,
      })),
      instance => apps.get(instance),
      this.options,
    );
    return targets.map(target => {
      const found = located.get(target.environment.name);
      if (!isLocated(found)) {
        return {
          ...target,
          argocdError: found?.error ?? 'No Argo CD application found',
        };
      }
      return {
        ...target,
        argocd: {
          instance: found.instance,
          name: found.name,
          namespace: found.namespace,
          project: found.project ?? target.argocd.project,
          url: this.applicationUrl(found),
        },
      };
    });
  }
}
