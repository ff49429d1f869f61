import { ConfigReader } from '@backstage/config';
import {
  alertSettings,
  degradedAlert,
  deploymentsTab,
  waitingPullRequestAlert,
} from './alertRules';

const production = { name: 'production', protected: true, pullRequest: true };
const dev = { name: 'dev', protected: false, pullRequest: false };

describe('alertSettings', () => {
  it('alerts in protected environments and on a day-long wait for pull requests by default', () => {
    expect(alertSettings(undefined, production)).toEqual({
      deploymentFailed: true,
      applicationDegraded: true,
      pullRequestWaitMinutes: 1440,
    });
    expect(alertSettings(undefined, dev)).toEqual({
      deploymentFailed: false,
      applicationDegraded: false,
      pullRequestWaitMinutes: 0,
    });
  });

  it('takes the configured wait and per-environment overrides', () => {
    const config = new ConfigReader({
      pullRequestWaitMinutes: 60,
      environments: { dev: { applicationDegraded: true } },
    });
    expect(alertSettings(config, production).pullRequestWaitMinutes).toBe(60);
    expect(alertSettings(config, dev)).toEqual({
      deploymentFailed: false,
      applicationDegraded: true,
      pullRequestWaitMinutes: 0,
    });
  });
});

describe('alerts', () => {
  const settings = {
    deploymentFailed: true,
    applicationDegraded: true,
    pullRequestWaitMinutes: 120,
  };

  it('keys a Degraded incident by its Application, whatever the message', () => {
    const app = {
      instance: 'main',
      namespace: 'argocd',
      name: 'cart-production',
      health: 'Degraded',
    };
    const target = {
      entityRef: 'component:default/cart',
      environment: 'production',
    };
    expect(degradedAlert({ ...app, message: 'a' }, target, settings)?.key).toBe(
      degradedAlert({ ...app, message: 'b' }, target, settings)?.key,
    );
    expect(
      degradedAlert({ ...app, health: 'Progressing' }, target, settings),
    ).toBeUndefined();
  });

  it('says how long a pull request has waited', () => {
    const now = Date.parse('2026-11-28T12:00:00Z');
    const alert = waitingPullRequestAlert(
      {
        id: 'd1',
        entityRef: 'component:default/cart',
        environment: 'production',
        status: 'pr-opened',
        toVersion: '1.2.0',
        createdAt: '2026-11-28T09:00:00Z',
        pullRequestUrl: 'https://github.com/acme/deploy/pull/7',
      },
      settings,
      now,
    );
    expect(alert?.description).toBe(
      'Its pull request https://github.com/acme/deploy/pull/7 has been open for 3 hours.',
    );
    expect(deploymentsTab('Component:prod/Cart')).toBe(
      '/catalog/prod/component/Cart/deployments',
    );
  });
});
