import { Config } from '@backstage/config';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ARGOCD_ANNOTATIONS } from '@shipdeck/plugin-gitops-common';
import { applicationNames, renderAppName as render } from './applicationNames';
import {
  ArgoCdConfig,
  DEFAULT_APP_NAME_TEMPLATE,
  DEFAULT_ENVIRONMENT_LABEL,
  readArgoCdConfig,
} from './argoCdConfig';
import { ArgoAppRef, ArgoApplication } from './types';

export interface ApplicationLocatorOptions {
  /** `gitops.argocd.appNameTemplate`, with `{service}` and `{env}`. Default `{service}-{env}`. */
  appNameTemplate?: string;
  /** `gitops.argocd.environmentLabel`: the Application label naming its environment. Default `shipdeck.io/environment`. */
  environmentLabel?: string;
  /** Configured instance names; when given, any other instance is an error. */
  instances?: string[];
}

/** The part of an environment the locator needs. */
export interface LocatorEnvironment {
  name: string;
  argocdInstance: string;
}

/** Where an entity's environment runs, or why that could not be told. */
export type LocatedApplication = ArgoAppRef | { error: string };

/** Already-fetched Applications of an instance; undefined when none are known yet. */
export type ApplicationSnapshot = (
  instance: string,
) => ArgoApplication[] | undefined;

export function isLocated(
  located: LocatedApplication | undefined,
): located is ArgoAppRef {
  return Boolean(located && !('error' in located));
}

/** Reads the locator's settings from `gitops.argocd`. */
export function readApplicationLocatorOptions(
  config: Config,
): ApplicationLocatorOptions {
  return applicationLocatorOptions(readArgoCdConfig(config));
}

/** The locator's settings in the `gitops.argocd` configuration. */
export function applicationLocatorOptions(
  argocd: ArgoCdConfig,
): ApplicationLocatorOptions {
  return {
    appNameTemplate: argocd.appNameTemplate,
    environmentLabel: argocd.environmentLabel,
    instances: argocd.instances.map(i => i.name),
  };
}

class Locator {
  readonly #entity: Entity;
  readonly #environments: LocatorEnvironment[];
  readonly #template: string;
  readonly #label: string;
  readonly #instances?: string[];
  readonly #annotations: Record<string, string | undefined>;

  constructor(
    entity: Entity,
    environments: LocatorEnvironment[],
    options: ApplicationLocatorOptions,
  ) {
    this.#entity = entity;
    this.#environments = environments;
    this.#template = options.appNameTemplate || DEFAULT_APP_NAME_TEMPLATE;
    this.#label = options.environmentLabel || DEFAULT_ENVIRONMENT_LABEL;
    this.#instances = options.instances;
    const raw = entity.metadata.annotations ?? {};
    this.#annotations = Object.fromEntries(
      Object.values(ARGOCD_ANNOTATIONS).map(key => [
        key,
        raw[key]?.trim() || undefined,
      ]),
    );
  }

  locate(env: LocatorEnvironment, snapshot: ApplicationSnapshot) {
    const a = this.#annotations;
    const instance = a[ARGOCD_ANNOTATIONS.instanceName] ?? env.argocdInstance;
    if (this.#instances && !this.#instances.includes(instance)) {
      const source = a[ARGOCD_ANNOTATIONS.instanceName]
        ? `annotation ${ARGOCD_ANNOTATIONS.instanceName}`
        : `environment '${env.name}'`;
      return {
        error: `${this.#entityRef()}: ${source} names Argo CD instance '${instance}', which is not configured (configured: ${
          this.#instances.join(', ') || 'none'
        })`,
      };
    }
    const apps = snapshot(instance);
    const selector = a[ARGOCD_ANNOTATIONS.appSelector];
    if (selector && !a[ARGOCD_ANNOTATIONS.appName]) {
      return apps
        ? this.#bySelector(env, instance, selector, this.#inScope(apps))
        : {
            error: `${this.#entityRef()}: annotation ${
              ARGOCD_ANNOTATIONS.appSelector
            } needs the application list of Argo CD instance '${instance}', which is not available yet`,
          };
    }
    const [primary, fallback] = this.#names(env);
    if (!apps) {
      return this.#ref(instance, primary);
    }
    return this.#byName(env, instance, this.#inScope(apps), primary, fallback);
  }

  /** The name to try first, and an alternative. */
  #names(env: LocatorEnvironment): [string, string | undefined] {
    return applicationNames({
      service: this.#entity.metadata.name,
      appName: this.#annotations[ARGOCD_ANNOTATIONS.appName],
      environment: env.name,
      environmentCount: this.#environments.length,
      template: this.#template,
    });
  }

  #byName(
    env: LocatorEnvironment,
    instance: string,
    apps: ArgoApplication[],
    primary: string,
    fallback: string | undefined,
  ): LocatedApplication {
    const first = this.#pick(env, instance, primary, apps);
    if (first) return first;
    if (fallback) {
      const exactIsAlternative =
        this.#environments.length > 1 &&
        fallback === this.#annotations[ARGOCD_ANNOTATIONS.appName];
      const candidates = exactIsAlternative
        ? apps.filter(
            app =>
              app.metadata.name === fallback &&
              (this.#servesOnly(env, instance) ||
                app.metadata.labels?.[this.#label] === env.name),
          )
        : apps;
      const second = this.#pick(env, instance, fallback, candidates);
      if (second) return second;
    }
    const tried = fallback
      ? `'${primary}' (nor '${fallback}')`
      : `'${primary}'`;
    return {
      error: `No Argo CD application ${tried} on instance '${instance}'${this.#scopeText()} for environment '${
        env.name
      }' of ${this.#entityRef()}`,
    };
  }

  /** The one app of that name, an ambiguity error, or undefined. */
  #pick(
    env: LocatorEnvironment,
    instance: string,
    name: string,
    apps: ArgoApplication[],
  ): LocatedApplication | undefined {
    let found = apps.filter(app => app.metadata.name === name);
    if (found.length > 1) {
      const labelled = found.filter(
        app => app.metadata.labels?.[this.#label] === env.name,
      );
      if (labelled.length) found = labelled;
    }
    if (found.length === 1) return this.#refOf(instance, found[0]);
    if (found.length > 1) {
      return {
        error: `${
          found.length
        } Argo CD applications named '${name}' on instance '${instance}' (${describe(
          found,
        )}) could run environment '${env.name}' of ${this.#entityRef()}; set ${
          ARGOCD_ANNOTATIONS.appNamespace
        } or ${ARGOCD_ANNOTATIONS.projectName}`,
      };
    }
    return undefined;
  }

  #bySelector(
    env: LocatorEnvironment,
    instance: string,
    selectorText: string,
    apps: ArgoApplication[],
  ): LocatedApplication {
    let selector: (labels: Record<string, string>) => boolean;
    try {
      selector = parseLabelSelector(selectorText);
    } catch (error) {
      return {
        error: `${this.#entityRef()}: annotation ${
          ARGOCD_ANNOTATIONS.appSelector
        } '${selectorText}' is not a label selector: ${
          (error as Error).message
        }`,
      };
    }
    const matching = apps.filter(app => selector(app.metadata.labels ?? {}));
    let chosen = matching.filter(
      app => app.metadata.labels?.[this.#label] === env.name,
    );
    if (!chosen.length) {
      const unlabelled = matching.filter(
        app => app.metadata.labels?.[this.#label] === undefined,
      );
      chosen = unlabelled.filter(
        app => this.#environmentByName(app.metadata.name) === env.name,
      );
      if (
        !chosen.length &&
        this.#environments.length === 1 &&
        unlabelled.length === 1
      ) {
        chosen = unlabelled;
      }
    }
    if (chosen.length === 1) return this.#refOf(instance, chosen[0]);
    const what = `Argo CD applications on instance '${instance}'${this.#scopeText()} matching ${
      ARGOCD_ANNOTATIONS.appSelector
    } '${selectorText}'`;
    if (chosen.length > 1) {
      return {
        error: `${chosen.length} ${what} run environment '${
          env.name
        }' of ${this.#entityRef()} (${describe(chosen)}); give each the label ${
          this.#label
        }=<environment> or narrow the selector`,
      };
    }
    return {
      error: `None of the ${matching.length} ${what} runs environment '${
        env.name
      }' of ${this.#entityRef()}${
        matching.length ? ` (${describe(matching, this.#label)})` : ''
      }; label it ${this.#label}=${env.name} or name it like '${render(
        this.#template,
        '{service}',
        env.name,
      )}'`,
    };
  }

  /**
   * The environment an unlabelled app's name fits with the template: one
   * rendered for the entity itself first, else the longest environment name
   * that fits with any service (`cart-eu-prod` is `eu-prod`, not `prod`).
   */
  #environmentByName(name: string): string | undefined {
    const service = this.#entity.metadata.name;
    const exact = this.#environments.find(
      env => render(this.#template, service, env.name) === name,
    );
    if (exact) return exact.name;
    if (!this.#template.includes('{env}')) return undefined;
    const fitting = this.#environments
      .filter(env => templatePattern(this.#template, env.name).test(name))
      .sort((x, y) => y.name.length - x.name.length);
    return fitting[0]?.name;
  }

  /** Whether no other of the entity's environments runs on this instance. */
  #servesOnly(env: LocatorEnvironment, instance: string) {
    const override = this.#annotations[ARGOCD_ANNOTATIONS.instanceName];
    return !this.#environments.some(
      other =>
        other.name !== env.name &&
        (override ?? other.argocdInstance) === instance,
    );
  }

  #inScope(apps: ArgoApplication[]) {
    const namespace = this.#annotations[ARGOCD_ANNOTATIONS.appNamespace];
    const project = this.#annotations[ARGOCD_ANNOTATIONS.projectName];
    // A projection may leave out namespace or project: only a known value excludes.
    return apps.filter(
      app =>
        (!namespace ||
          app.metadata.namespace === undefined ||
          app.metadata.namespace === namespace) &&
        (!project ||
          app.spec?.project === undefined ||
          app.spec.project === project),
    );
  }

  #scopeText() {
    const namespace = this.#annotations[ARGOCD_ANNOTATIONS.appNamespace];
    const project = this.#annotations[ARGOCD_ANNOTATIONS.projectName];
    return `${namespace ? ` in namespace '${namespace}'` : ''}${
      project ? ` in project '${project}'` : ''
    }`;
  }

  #refOf(instance: string, app: ArgoApplication): ArgoAppRef {
    return this.#ref(
      instance,
      app.metadata.name,
      app.metadata.namespace,
      app.spec?.project,
    );
  }

  #ref(
    instance: string,
    name: string,
    namespace?: string,
    project?: string,
  ): ArgoAppRef {
    const ns = this.#annotations[ARGOCD_ANNOTATIONS.appNamespace] ?? namespace;
    const proj = this.#annotations[ARGOCD_ANNOTATIONS.projectName] ?? project;
    return {
      instance,
      name,
      ...(ns ? { namespace: ns } : {}),
      ...(proj ? { project: proj } : {}),
    };
  }

  #entityRef() {
    return stringifyEntityRef(this.#entity);
  }
}

/**
 * Finds the Argo CD Application of each of an entity's environments in
 * snapshots of the instances' Applications, from the annotations the existing
 * Backstage Argo CD plugins use:
 *
 * - none: the name template with the entity name as `{service}`
 * - `argocd/app-name`: with one environment, that exact name (then the
 *   template); with several, the base name fed into the template (then the
 *   exact name, when the instance serves no other of the entity's
 *   environments or the app carries the environment label); a name with
 *   `{env}` is a template of its own
 * - `argocd/app-selector`: a label selector; each matching app's environment
 *   comes from the environment label, else from its name fitting the template
 * - `argocd/instance-name`: one instance for every environment, instead of
 *   each environment's `argocdInstance`
 * - `argocd/project-name`, `argocd/app-namespace`: narrow the search and go
 *   into the returned ref
 *
 * When an instance has no snapshot, name-based forms fall back to the name
 * derived from the template (see `applicationRefsFromTemplate`).
 */
export function locateApplications(
  entity: Entity,
  environments: LocatorEnvironment[],
  snapshot: ApplicationSnapshot,
  options: ApplicationLocatorOptions = {},
): Map<string, LocatedApplication> {
  const locator = new Locator(entity, environments, options);
  return new Map(
    environments.map(env => [env.name, locator.locate(env, snapshot)]),
  );
}

/**
 * The refs an entity's annotations imply without looking at Argo CD: the
 * first name `locateApplications` would try. Selectors cannot be resolved
 * this way and give an error.
 */
export function applicationRefsFromTemplate(
  entity: Entity,
  environments: LocatorEnvironment[],
  options: ApplicationLocatorOptions = {},
): Map<string, LocatedApplication> {
  const locator = new Locator(entity, environments, options);
  return new Map(
    environments.map(env => [env.name, locator.locate(env, () => undefined)]),
  );
}

function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function templatePattern(template: string, env: string) {
  const pattern = template
    .split(/(\{service\}|\{env\})/)
    .map(part => {
      if (part === '{service}') return '.+';
      if (part === '{env}') return escapeRegExp(env);
      return escapeRegExp(part);
    })
    .join('');
  return new RegExp(`^${pattern}$`);
}

function describe(apps: ArgoApplication[], label?: string) {
  return apps
    .map(app => {
      const name = app.metadata.namespace
        ? `${app.metadata.namespace}/${app.metadata.name}`
        : app.metadata.name;
      const value = label ? app.metadata.labels?.[label] : undefined;
      return value ? `${name} (${label}=${value})` : name;
    })
    .join(', ');
}

const KEY = String.raw`[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?`;
const VALUE = String.raw`([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?`;

/**
 * A Kubernetes label selector as a predicate: `k=v`, `k==v`, `k!=v`,
 * `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, comma-separated (all must hold).
 */
export function parseLabelSelector(
  text: string,
): (labels: Record<string, string>) => boolean {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (depth < 0) throw new Error(`unbalanced ')'`);
    if (char === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (depth !== 0) throw new Error(`unbalanced '('`);
  terms.push(current);

  const checks = terms.map(raw => {
    const term = raw.trim();
    if (!term) throw new Error('empty requirement');
    let m = new RegExp(`^!\\s*(${KEY})$`).exec(term);
    if (m) {
      const key = m[1];
      return (labels: Record<string, string>) => !(key in labels);
    }
    m = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^)]*)\\)$`).exec(term);
    if (m) {
      const [key, op] = [m[1], m[3]];
      const values = m[4].split(',').map(v => v.trim());
      if (values.some(v => !new RegExp(`^${VALUE}$`).test(v))) {
        throw new Error(`bad value in '${term}'`);
      }
      return op === 'in'
        ? (labels: Record<string, string>) =>
            key in labels && values.includes(labels[key])
        : (labels: Record<string, string>) =>
            !(key in labels) || !values.includes(labels[key]);
    }
    m = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`).exec(term);
    if (m) {
      const [key, op, value] = [m[1], m[3], m[4]];
      return op === '!='
        ? (labels: Record<string, string>) => labels[key] !== value
        : (labels: Record<string, string>) =>
            key in labels && labels[key] === value;
    }
    m = new RegExp(`^(${KEY})$`).exec(term);
    if (m) {
      const key = m[1];
      return (labels: Record<string, string>) => key in labels;
    }
    throw new Error(`cannot read '${term}'`);
  });
  return labels => checks.every(check => check(labels));
}
