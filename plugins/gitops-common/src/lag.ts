import type { DeploymentRecord, EnvironmentStatus } from './types';

/**
 * An environment that runs another version than the one it promotes from
 * (`promotesFrom`): production is behind staging, or ahead of it after a
 * hotfix. What the environment page and the overview say about it, small
 * enough to ride on every overview row.
 *
 * @public
 */
export interface EnvironmentLag {
  /** The environment it promotes from, e.g. `staging`. */
  source: string;
  /** The version the source runs, what a promotion would bring. */
  sourceVersion: string;
  /**
   * How many versions the source received since the one this environment
   * runs, counted in the source's deployment history; absent when that
   * history does not contain it (deployed before Shipdeck, or not known).
   */
  behind?: number;
}

/**
 * The data the lag and drift rules need about one environment; every
 * environments answer and overview row has it.
 *
 * @public
 */
export interface LagInput {
  environment: string;
  promotesFrom?: string;
  status?: Pick<EnvironmentStatus, 'version' | 'sync' | 'operation'>;
  lastDeployment?: Pick<DeploymentRecord, 'status'>;
}

/**
 * What {@link assessLag} says about one environment.
 *
 * @public
 */
export interface LagAssessment {
  lag?: EnvironmentLag;
  /**
   * Argo CD says OutOfSync and no Shipdeck change is on its way: the cluster
   * or the manifest moved outside Shipdeck (someone edited in Argo CD or
   * kubectl, or a commit landed with auto-sync off).
   */
  drifted?: boolean;
}

/** Record statuses of a change Shipdeck is still landing. */
const IN_FLIGHT: ReadonlySet<DeploymentRecord['status']> = new Set([
  'pending',
  'committed',
  'pr-opened',
  'syncing',
]);

/**
 * True while a Shipdeck change is on its way to the environment, so an
 * OutOfSync there is expected (the commit landed, Argo CD has not synced
 * it yet) and not drift.
 */
function changeInFlight(input: LagInput): boolean {
  return Boolean(
    (input.lastDeployment && IN_FLIGHT.has(input.lastDeployment.status)) ||
      input.status?.operation?.phase === 'Running',
  );
}

/**
 * Lag and drift per environment, by name, from what Argo CD reports (the
 * running version, sync status) and Shipdeck's records. Pure: the caller
 * brings the data.
 *
 * `history` is, per environment, the versions Shipdeck deployed there,
 * newest first (each version once; see {@link deployedVersions}); with it,
 * lag counts how far behind, without it lag names the source's version.
 * An environment whose version or whose source's version is unknown (no
 * Application yet, a digest-less image) has no lag: nothing to compare.
 *
 * @public
 */
export function assessLag(
  environments: LagInput[],
  history: Record<string, string[] | undefined> = {},
): Map<string, LagAssessment> {
  const byName = new Map(environments.map(e => [e.environment, e]));
  const result = new Map<string, LagAssessment>();
  for (const input of environments) {
    const assessment: LagAssessment = {};
    const version = input.status?.version;
    const source = input.promotesFrom && byName.get(input.promotesFrom);
    const sourceVersion = source ? source.status?.version : undefined;
    if (source && version && sourceVersion && version !== sourceVersion) {
      const index = history[source.environment]?.indexOf(version) ?? -1;
      assessment.lag = {
        source: source.environment,
        sourceVersion,
        ...(index > 0 ? { behind: index } : {}),
      };
    }
    if (input.status?.sync === 'OutOfSync' && !changeInFlight(input)) {
      assessment.drifted = true;
    }
    result.set(input.environment, assessment);
  }
  return result;
}

/**
 * The versions deployment records brought to one environment, newest first,
 * each once (a redeploy of an older version counts as it lands again).
 * Records that deployed nothing (failed before a commit, abandoned pull
 * requests, superseded ones) are left out.
 *
 * @public
 */
export function deployedVersions(
  records: Array<Pick<DeploymentRecord, 'toVersion' | 'status' | 'createdAt'>>,
): string[] {
  const versions: string[] = [];
  const landed = records
    .filter(r => r.status === 'healthy' || r.status === 'degraded')
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  for (const record of landed) {
    if (!versions.includes(record.toVersion)) versions.push(record.toVersion);
  }
  return versions;
}

/**
 * How the pages say it: "2 deployments behind staging" when the count is
 * known, else "staging runs 1.12.0".
 *
 * @public
 */
export function describeLag(
  lag: EnvironmentLag,
  displayVersion: (v: string) => string = v => v,
): string {
  if (lag.behind) {
    return `${lag.behind} deployment${lag.behind === 1 ? '' : 's'} behind ${
      lag.source
    }`;
  }
  return `${lag.source} runs ${displayVersion(lag.sourceVersion)}`;
}
