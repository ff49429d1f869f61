import { GitopsApi } from '@shipdeck/plugin-gitops-common';

const METHODS: Array<keyof GitopsApi> = [
  'getConfiguredEnvironments',
  'getEntityEnvironments',
  'getSourceChanges',
  'requestDeployment',
  'previewDeployment',
  'sync',
  'refresh',
  'rolloutAction',
  'mergePullRequest',
  'getDeployment',
  'getTimeline',
  'getTimelineChanges',
  'getOverview',
  'getMetrics',
  'getManifestRepository',
];

/**
 * A GitopsApi for component tests: the given methods, and every other one
 * rejecting, so a test notices a call it did not expect.
 */
export function mockGitopsApi(methods: Partial<GitopsApi>): GitopsApi {
  const api = {} as Record<keyof GitopsApi, unknown>;
  for (const name of METHODS) {
    api[name] =
      methods[name] ??
      (async () => {
        throw new Error(`GitopsApi.${name} was not expected in this test`);
      });
  }
  return api as GitopsApi;
}
