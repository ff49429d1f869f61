import { DeploymentRecord } from './types';

const FINAL: ReadonlySet<DeploymentRecord['status']> = new Set([
  'healthy',
  'degraded',
  'failed',
  'superseded',
  'abandoned',
] as const);

/**
 * Whether a deployment record has stopped moving: Argo CD reported its
 * outcome, a later deployment overtook it, or its pull request was closed.
 * Progress views stop following it, pipelines stop waiting.
 *
 * @public
 */
export function isFinalDeploymentStatus(
  status: DeploymentRecord['status'],
): boolean {
  return FINAL.has(status);
}
