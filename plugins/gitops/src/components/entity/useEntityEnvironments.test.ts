import { EntityEnvironmentsResponse } from '@shipdeck/plugin-gitops-common';
import { environments } from '../../__testUtils__/fixtures';
import { isAwaitingApplication, isBusy } from './useEntityEnvironments';

const withStatus = (
  health: 'Healthy' | 'Progressing',
): EntityEnvironmentsResponse => ({
  ...environments,
  environments: environments.environments.map(e => ({
    ...e,
    status: {
      sync: 'Synced' as const,
      health,
      images: [],
      observedAt: environments.observedAt,
      stale: false,
    },
  })),
});

describe('when the Deployments tab keeps looking', () => {
  it('keeps looking while an Application has not appeared (nothing signals its arrival)', () => {
    expect(isAwaitingApplication(environments)).toBe(true);
    expect(isAwaitingApplication(withStatus('Healthy'))).toBe(false);
    expect(isAwaitingApplication(undefined)).toBe(false);
  });

  it('looks faster while something moves', () => {
    expect(isBusy(withStatus('Progressing'))).toBe(true);
    expect(isBusy(withStatus('Healthy'))).toBe(false);
  });
});
