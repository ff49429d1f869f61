import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { GitopsClient } from '@shipdeck/plugin-gitops-common';

/**
 * A gitops REST client that acts for the user who runs the template: their
 * credentials are exchanged for a plugin-to-plugin token, so the gitops
 * backend applies the same permission checks and audit as on the entity page.
 */
export function gitopsClientFor(options: {
  auth: AuthService;
  discovery: DiscoveryService;
  credentials: BackstageCredentials;
}): GitopsClient {
  const { auth, discovery, credentials } = options;
  return new GitopsClient({
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
}
