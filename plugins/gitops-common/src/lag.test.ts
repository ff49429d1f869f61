import { assessLag, deployedVersions, describeLag, LagInput } from './lag';

const synced = (version?: string) => ({ version, sync: 'Synced' as const });

const pipeline = (
  dev?: string,
  staging?: string,
  production?: string,
): LagInput[] => [
  { environment: 'dev', status: synced(dev) },
  { environment: 'staging', promotesFrom: 'dev', status: synced(staging) },
  {
    environment: 'production',
    promotesFrom: 'staging',
    status: synced(production),
  },
];

describe('assessLag', () => {
  it('counts how many deployments of the source landed since the version an environment runs', () => {
    const result = assessLag(pipeline('1.3.0', '1.3.0', '1.1.0'), {
      staging: ['1.3.0', '1.2.0', '1.1.0', '1.0.0'],
    });
    expect(result.get('production')).toEqual({
      lag: { source: 'staging', sourceVersion: '1.3.0', behind: 2 },
    });
    expect(result.get('staging')).toEqual({});
    expect(result.get('dev')).toEqual({});
  });

  it("names the source's version when its history does not hold the one running (deployed before Shipdeck, or a hotfix ahead)", () => {
    const result = assessLag(pipeline('2.0.0', '1.9.0', '1.9.1'), {
      dev: ['2.0.0'],
      staging: ['1.9.0'],
    });
    expect(result.get('staging')?.lag).toEqual({
      source: 'dev',
      sourceVersion: '2.0.0',
    });
    expect(result.get('production')?.lag).toEqual({
      source: 'staging',
      sourceVersion: '1.9.0',
    });
  });

  it('says nothing when either version is unknown', () => {
    const result = assessLag(pipeline(undefined, '1.0.0', undefined));
    expect(result.get('staging')).toEqual({});
    expect(result.get('production')).toEqual({});
  });

  it('flags OutOfSync as drift only when no Shipdeck change is in flight', () => {
    const outOfSync = { version: '1.0.0', sync: 'OutOfSync' as const };
    const result = assessLag([
      { environment: 'a', status: outOfSync },
      {
        environment: 'b',
        status: outOfSync,
        lastDeployment: { status: 'committed' },
      },
      {
        environment: 'c',
        status: outOfSync,
        lastDeployment: { status: 'pr-opened' },
      },
      {
        environment: 'd',
        status: { ...outOfSync, operation: { phase: 'Running' } },
        lastDeployment: { status: 'healthy' },
      },
      {
        environment: 'e',
        status: outOfSync,
        lastDeployment: { status: 'healthy' },
      },
      { environment: 'f', status: { version: '1.0.0', sync: 'Synced' } },
    ]);
    expect(
      [...result].filter(([, a]) => a.drifted).map(([name]) => name),
    ).toEqual(['a', 'e']);
  });
});

describe('deployedVersions', () => {
  it('lists what landed, newest first, each version once', () => {
    expect(
      deployedVersions([
        { toVersion: '1.0.0', status: 'healthy', createdAt: '2026-11-01' },
        { toVersion: '1.2.0', status: 'failed', createdAt: '2026-11-04' },
        { toVersion: '1.1.0', status: 'degraded', createdAt: '2026-11-02' },
        { toVersion: '1.0.0', status: 'healthy', createdAt: '2026-11-03' },
        { toVersion: '1.3.0', status: 'abandoned', createdAt: '2026-11-05' },
      ]),
    ).toEqual(['1.0.0', '1.1.0']);
  });
});

describe('describeLag', () => {
  it('says how far behind, or what the source runs', () => {
    expect(
      describeLag({ source: 'staging', sourceVersion: '1.2.0', behind: 2 }),
    ).toBe('2 deployments behind staging');
    expect(
      describeLag({ source: 'dev', sourceVersion: '1.2.0', behind: 1 }),
    ).toBe('1 deployment behind dev');
    expect(describeLag({ source: 'staging', sourceVersion: '1.12.0' })).toBe(
      'staging runs 1.12.0',
    );
  });
});
