/**
 * Every REST route of the gitops backend, as the reliability suite sees it:
 * by method and Express path under `/api/gitops`. `routeTable.test.ts`
 * compares this list with the routes the running backend really serves (and
 * with the OpenAPI description once there is one), so a new route fails that
 * test until it is added here, and with it to the bad-input sweep and the
 * authorization matrix.
 */
export interface RouteSpec {
  method: 'GET' | 'POST';
  /** The Express path, e.g. `/entities/:namespace/:kind/:name/deployments`. */
  path: string;
  /**
   * What a caller can get wrong: `none` for routes that take no input (the
   * sweep only checks they never fail), else where the input goes.
   */
  input: 'none' | 'path' | 'query' | 'body';
  /** Changes Git, the database or Argo CD: in the authorization matrix. */
  mutation: boolean;
}

export const routeTable: RouteSpec[] = [
  { method: 'GET', path: '/health', input: 'none', mutation: false },
  // The OpenAPI description itself (not described in it).
  { method: 'GET', path: '/openapi.json', input: 'none', mutation: false },
  { method: 'GET', path: '/environments', input: 'none', mutation: false },
  {
    method: 'GET',
    path: '/entities/:namespace/:kind/:name/environments',
    input: 'path',
    mutation: false,
  },
  {
    method: 'GET',
    path: '/entities/:namespace/:kind/:name/timeline',
    input: 'query',
    mutation: false,
  },
  {
    method: 'GET',
    path: '/entities/:namespace/:kind/:name/changes',
    input: 'query',
    mutation: false,
  },
  {
    method: 'GET',
    path: '/entities/:namespace/:kind/:name/source-changes',
    input: 'query',
    mutation: false,
  },
  { method: 'GET', path: '/overview', input: 'query', mutation: false },
  { method: 'GET', path: '/metrics', input: 'query', mutation: false },
  { method: 'GET', path: '/deployments/:id', input: 'path', mutation: false },
  {
    method: 'GET',
    path: '/repositories/:repo/commits/:sha',
    input: 'path',
    mutation: false,
  },
  {
    method: 'GET',
    path: '/repositories/:repo/files/*',
    input: 'path',
    mutation: false,
  },
  {
    method: 'GET',
    path: '/repositories/:repo/pulls/:number',
    input: 'path',
    mutation: false,
  },
  ...[
    'deployments',
    'promotions',
    'rollbacks',
    'manifests',
    'sync',
    'refresh',
    'terminate',
    'argocd-rollbacks',
    'rollout-actions',
  ].map(
    (action): RouteSpec => ({
      method: 'POST',
      path: `/entities/:namespace/:kind/:name/${action}`,
      input: 'body',
      mutation: true,
    }),
  ),
  { method: 'POST', path: '/releases', input: 'body', mutation: true },
  { method: 'POST', path: '/tag-deployments', input: 'body', mutation: true },
  {
    method: 'POST',
    path: '/repositories/:repo/pulls/:number/merge',
    input: 'path',
    mutation: true,
  },
];

/** `METHOD /path` of a route, for comparing sets and naming failures. */
export const routeKey = (route: { method: string; path: string }) =>
  `${route.method.toUpperCase()} ${route.path}`;

/** The URL path of a route with its parameters filled in (already encoded). */
export function fillPath(path: string, params: Record<string, string>) {
  return `/api/gitops${path.replace(/:(\w+)|\*/g, (_match, name) =>
    name ? params[name] : params['*'],
  )}`;
}
