import { EntityEnvironmentsResponse } from '@shipdeck/plugin-gitops-common';
import { environments } from '../../__testUtils__/fixtures';
import {
  isAwaitingApplication,
  isAwaitingArgoCd,
  isBusy,
} from './useEntityEnvironments';

const withStatus = (
  health: 'Healthy' | 'Progressing' | 'Unknown',
  stale = false,
): EntityEnvironmentsResponse => ({
  ...environments,
  environments: environments.environments.map(e => ({
    ...e,
    status: {
      sync: 'Synced' as const,
      health,
      images: [],
      observedAt: environments.observedAt,
      stale,
    },
  })),
});

describe('when the Deployments tab keeps looking', () => {
  it('keeps looking while an Application has not appeared (nothing signals its arrival)', () => {
    expect(isAwaitingApplication(environments)).toBe(true);
    expect(isAwaitingApplication(withStatus('Healthy'))).toBe(false);
    expect(isAwaitingApplication(undefined)).toBe(false);
  });

  it('keeps looking while Argo CD could not be read or its health is unknown (its return signals nothing)', () => {
    expect(isAwaitingArgoCd(withStatus('Healthy', true))).toBe(true);
    expect(isAwaitingArgoCd(withStatus('Unknown'))).toBe(true);
    expect(isAwaitingArgoCd(withStatus('Healthy'))).toBe(false);
    expect(isAwaitingArgoCd(environments)).toBe(false);
    expect(isAwaitingArgoCd(undefined)).toBe(false);
  });

  it('looks faster while something moves', () => {
    expect(isBusy(withStatus('Progressing'))).toBe(true);
    expect(isBusy(withStatus('Healthy'))).toBe(false);
  });
});
