import { Config } from '@backstage/config';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  ARGOCD_ANNOTATIONS,
  ArgoApplicationRef,
  Environment,
  hasGitopsAnnotations,
  ManifestLocation,
  SHIPDECK_ANNOTATIONS,
  WRITE_STRATEGIES,
  WriteStrategy,
} from '@shipdeck/plugin-gitops-common';
import { ArgoCdLinks } from '../argocd/ArgoCdLinks';
import { applicationNames } from '../argocd/applicationNames';
import { ArgoCdConfig, readArgoCdConfig } from '../argocd/argoCdConfig';
import { readEnvironments } from './environmentsConfig';
import { renderImage, renderManifestPath } from './pathTemplate';

/** One service in one environment: where it runs and where its manifest lives. */
export interface Target {
  entityRef: string;
  environment: Environment;
  manifest: ManifestLocation;
  argocd: ArgoApplicationRef;
  /**
   * The entity, when it finds its Applications by label selector
   * (`argocd/app-selector`): `argocd` is then only what the name template
   * gives, and ApplicationRefs locates the real one in the snapshot.
   */
  selectedBy?: Entity;
}

interface ManifestDefaults {
  repo?: string;
  branch: string;
  path: string;
  strategy: WriteStrategy;
  key?: string;
}

/**
 * Turns an entity plus the configured environments into targets. Entity
 * annotations override the organisation-wide `gitops.manifests` defaults, so a
 * whole organisation can share one layout without annotating every entity.
 */
export class TargetResolver {
  /** `argocd` is `gitops.argocd`, when the caller has read it already. */
  static fromConfig(
    config: Config,
    argocd: ArgoCdConfig = readArgoCdConfig(config),
  ): TargetResolver {
    const strategy = (config.getOptionalString('gitops.manifests.strategy') ??
      'kustomize-images') as WriteStrategy;
    if (!WRITE_STRATEGIES.includes(strategy)) {
      throw new Error(
        `gitops.manifests.strategy '${strategy}' is not one of ${WRITE_STRATEGIES.join(
          ', ',
        )}`,
      );
    }
    return new TargetResolver(
      readEnvironments(config, argocd),
      {
        repo: config.getOptionalString('gitops.manifests.repo'),
        branch: config.getOptionalString('gitops.manifests.branch') ?? 'main',
        path:
          config.getOptionalString('gitops.manifests.path') ??
          '{env}/{service}',
        strategy,
        key: config.getOptionalString('gitops.manifests.key'),
      },
      argocd.appNameTemplate,
      ArgoCdLinks.forInstances(argocd.instances),
    );
  }

  private constructor(
    private readonly environments: Environment[],
    private readonly defaults: ManifestDefaults,
    private readonly appNameTemplate: string,
    private readonly links: ArgoCdLinks,
  ) {}

  listEnvironments(): Environment[] {
    return this.environments;
  }

  /** Whether the entity carries enough for Shipdeck to act on it. */
  isManaged(entity: Entity): boolean {
    const annotations = entity.metadata.annotations ?? {};
    return (
      Boolean(
        annotations[SHIPDECK_ANNOTATIONS.manifestRepo] ?? this.defaults.repo,
      ) && hasGitopsAnnotations(entity)
    );
  }

  /** Throws an InputError saying what to add when Shipdeck cannot act on the entity. */
  requireManaged(entity: Entity): void {
    if (!this.isManaged(entity)) {
      throw new InputError(
        `${stringifyEntityRef(entity)} is not set up for Shipdeck: add the ${
          SHIPDECK_ANNOTATIONS.image
        } and ${
          SHIPDECK_ANNOTATIONS.manifestRepo
        } (or argocd/app-name) annotations`,
      );
    }
  }

  /** The entity's target in one environment; an InputError names the ones it has. */
  resolveEnvironment(entity: Entity, environment: string): Target {
    const targets = this.resolve(entity);
    const target = targets.find(t => t.environment.name === environment);
    if (!target) {
      throw new InputError(
        `${stringifyEntityRef(
          entity,
        )} does not run in environment '${environment}'; it runs in ${targets
          .map(t => t.environment.name)
          .join(', ')}`,
      );
    }
    return target;
  }

  /** The entity's targets in promotion order; an InputError explains a bad annotation. */
  resolve(entity: Entity): Target[] {
    const annotations = entity.metadata.annotations ?? {};
    const entityRef = stringifyEntityRef(entity);
    const service = entity.metadata.name;
    const repo =
      annotations[SHIPDECK_ANNOTATIONS.manifestRepo] ?? this.defaults.repo;
    if (!repo) {
      throw new InputError(
        `${entityRef} has no manifest repository: set the ${SHIPDECK_ANNOTATIONS.manifestRepo} annotation or gitops.manifests.repo`,
      );
    }
    const strategy = (annotations[SHIPDECK_ANNOTATIONS.writeStrategy] ??
      this.defaults.strategy) as WriteStrategy;
    if (!WRITE_STRATEGIES.includes(strategy)) {
      throw new InputError(
        `${entityRef} annotation ${
          SHIPDECK_ANNOTATIONS.writeStrategy
        } is '${strategy}'; expected one of ${WRITE_STRATEGIES.join(', ')}`,
      );
    }
    const pathTemplate =
      annotations[SHIPDECK_ANNOTATIONS.manifestPath] ?? this.defaults.path;
    const key = annotations[SHIPDECK_ANNOTATIONS.writeKey] ?? this.defaults.key;
    const imageTemplate = annotations[SHIPDECK_ANNOTATIONS.image];

    const environments = this.#environmentsOf(entity);
    return environments.map(environment => {
      // Folders and image repositories may spell the environment differently
      // (`prod/` for `production`); Argo CD app names keep its name.
      const values = {
        env: environment.pathName ?? environment.name,
        service,
      };
      const image = imageTemplate && renderImage(imageTemplate, values);
      const instance =
        annotations[ARGOCD_ANNOTATIONS.instanceName] ??
        environment.argocdInstance;
      // The name ApplicationLocator tries first (the same rule).
      const [appName] = applicationNames({
        service,
        appName: annotations[ARGOCD_ANNOTATIONS.appName]?.trim() || undefined,
        environment: environment.name,
        environmentCount: environments.length,
        template: this.appNameTemplate,
      });
      const namespace = annotations[ARGOCD_ANNOTATIONS.appNamespace];
      return {
        entityRef,
        environment,
        manifest: {
          repo,
          branch: this.defaults.branch,
          path: renderManifestPath(pathTemplate, values),
          strategy,
          ...(key ? { key } : {}),
          ...(image ? { image } : {}),
        },
        argocd: {
          instance,
          name: appName,
          namespace,
          project: annotations[ARGOCD_ANNOTATIONS.projectName],
          url: this.links.applicationUrl({
            instance,
            name: appName,
            namespace,
          }),
        },
        ...(annotations[ARGOCD_ANNOTATIONS.appSelector]
          ? { selectedBy: entity }
          : {}),
      };
    });
  }

  #environmentsOf(entity: Entity): Environment[] {
    const listed =
      entity.metadata.annotations?.[SHIPDECK_ANNOTATIONS.environments];
    if (!listed) {
      return this.environments;
    }
    const names = listed
      .split(',')
      .map(s => s.trim())
      .filter(Boolean);
    const unknown = names.filter(
      n => !this.environments.some(e => e.name === n),
    );
    if (unknown.length) {
      throw new InputError(
        `${stringifyEntityRef(entity)} annotation ${
          SHIPDECK_ANNOTATIONS.environments
        } names unknown environment(s) ${unknown.join(
          ', ',
        )}; configured: ${this.environments.map(e => e.name).join(', ')}`,
      );
    }
    return this.environments.filter(e => names.includes(e.name));
  }
}
