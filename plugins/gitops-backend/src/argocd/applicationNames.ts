/**
 * The one rule for what an entity's Argo CD Application is called in an
 * environment, used both where Shipdeck derives the name without looking
 * (TargetResolver) and where it searches a snapshot for it
 * (ApplicationLocator), so the two never disagree.
 */

/** `template` with `{service}` and `{env}` filled in. */
export function renderAppName(
  template: string,
  service: string,
  env: string,
): string {
  return template.replace(/\{service\}/g, service).replace(/\{env\}/g, env);
}

/**
 * The name to try first for an entity's Application in one environment, and
 * an alternative:
 *
 * - no `argocd/app-name`: the template with the entity's name as `{service}`
 * - an `argocd/app-name` with `{env}`: a template of its own
 * - an `argocd/app-name` and one environment: that exact name (as the
 *   Backstage Argo CD plugins read it), then the templated one
 * - an `argocd/app-name` and several environments: the base name fed into
 *   the template, then the exact name
 */
export function applicationNames(options: {
  /** The entity's `metadata.name`. */
  service: string;
  /** The `argocd/app-name` annotation, trimmed. */
  appName?: string;
  environment: string;
  /** How many environments the entity runs in. */
  environmentCount: number;
  template: string;
}): [string, string | undefined] {
  const { service, appName, environment, template } = options;
  if (!appName)
    return [renderAppName(template, service, environment), undefined];
  if (appName.includes('{env}')) {
    return [renderAppName(appName, service, environment), undefined];
  }
  const templated = renderAppName(template, appName, environment);
  if (templated === appName) return [appName, undefined];
  return options.environmentCount === 1
    ? [appName, templated]
    : [templated, appName];
}
