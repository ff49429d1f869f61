import { isFinalDeploymentStatus } from './deploymentStatus';

describe('isFinalDeploymentStatus', () => {
  it('stops at outcomes, overtaken and abandoned records, and follows the rest', () => {
    for (const status of [
      'healthy',
      'degraded',
      'failed',
      'superseded',
      'abandoned',
    ] as const) {
      expect(isFinalDeploymentStatus(status)).toBe(true);
    }
    for (const status of [
      'pending',
      'committed',
      'pr-opened',
      'syncing',
    ] as const) {
      expect(isFinalDeploymentStatus(status)).toBe(false);
    }
  });
});
