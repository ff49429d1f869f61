import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { InputError, isError, ResponseError } from '@backstage/errors';
import { GitopsApi, GitopsClient } from '@shipdeck/plugin-gitops-common';

/**
 * A gitops REST client that acts for the user who runs the template: their
 * credentials are exchanged for a plugin-to-plugin token, so the gitops
 * backend applies the same permission checks and audit as on the entity page.
 * A refusal fails the step with the backend's own message (a 400 as an
 * InputError), not "Request failed with 400".
 */
export function gitopsClientFor(options: {
  auth: AuthService;
  discovery: DiscoveryService;
  credentials: BackstageCredentials;
}): GitopsApi {
  const { auth, discovery, credentials } = options;
  const client = new GitopsClient({
    discoveryApi: discovery,
    fetchApi: {
      fetch: async (input, init) => {
        const { token } = await auth.getPluginRequestToken({
          onBehalfOf: credentials,
          targetPluginId: 'gitops',
        });
        const headers = new Headers(init?.headers);
        headers.set('Authorization', `Bearer ${token}`);
        return fetch(input, { ...init, headers });
      },
    },
  });
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        value.apply(target, args).catch((error: unknown) => {
          throw withServerMessage(error);
        });
    },
  });
}

/** The gitops backend's message for a refused request. */
export function withServerMessage(error: unknown): unknown {
  if (!(error instanceof ResponseError)) return error;
  const message = error.body?.error?.message;
  if (!message) return error;
  const status = error.response.status;
  if (status === 400) return new InputError(message);
  const wrapped = new Error(`Shipdeck refused (${status}): ${message}`);
  wrapped.name = isError(error.cause) ? error.cause.name : 'ResponseError';
  return wrapped;
}
