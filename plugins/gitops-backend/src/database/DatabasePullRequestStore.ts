import { Knex } from 'knex';
import { PullRequestObservation } from '../scm/ManifestRepository';
import { pullRequestKey as key, PullRequestStore } from './PullRequestStore';

interface PullRequestRow {
  repository: string;
  number: number;
  state: PullRequestObservation['state'];
  head_sha: string | null;
  merge_commit_sha: string | null;
  review: PullRequestObservation['review'] | null;
  checks: PullRequestObservation['checks'] | null;
  etags: string | null;
  observed_at: Date | string;
}

function fromRow(row: PullRequestRow): PullRequestObservation {
  return {
    state: row.state,
    ...(row.head_sha ? { headSha: row.head_sha } : {}),
    ...(row.merge_commit_sha ? { mergeCommitSha: row.merge_commit_sha } : {}),
    ...(row.review ? { review: row.review } : {}),
    ...(row.checks ? { checks: row.checks } : {}),
    ...(row.etags ? { cache: JSON.parse(row.etags) } : {}),
  };
}

/** {@link PullRequestStore} on the plugin's knex database. */
export class DatabasePullRequestStore implements PullRequestStore {
  constructor(private readonly knex: Knex) {}

  /** Repositories with deployment records still waiting for a pull request. */
  async waitingRepositories(): Promise<string[]> {
    const rows = await this.knex('gitops_deployments')
      .distinct('repository')
      .where({ status: 'pr-opened' })
      .whereNotNull('repository');
    return rows.map(row => row.repository as string);
  }

  async get(
    repository: string,
    number: number,
  ): Promise<PullRequestObservation | undefined> {
    const row = await this.knex<PullRequestRow>('gitops_pull_requests')
      .where({ repository, number })
      .first();
    return row ? fromRow(row) : undefined;
  }

  /** Observations keyed `repository#number`. */
  async getMany(
    pulls: Array<{ repository: string; number: number }>,
  ): Promise<Map<string, PullRequestObservation>> {
    const result = new Map<string, PullRequestObservation>();
    if (!pulls.length) return result;
    const rows = await this.knex<PullRequestRow>('gitops_pull_requests').where(
      builder => {
        for (const pull of pulls) {
          builder.orWhere({ repository: pull.repository, number: pull.number });
        }
      },
    );
    for (const row of rows) {
      result.set(key(row.repository, row.number), fromRow(row));
    }
    return result;
  }

  /** Open pull requests of a repository whose head is this commit. */
  async numbersWithHead(repository: string, sha: string): Promise<number[]> {
    const rows = await this.knex<PullRequestRow>('gitops_pull_requests')
      .select('number')
      .where({ repository, head_sha: sha, state: 'open' });
    return rows.map(row => row.number);
  }

  async put(
    repository: string,
    number: number,
    observed: PullRequestObservation,
  ): Promise<void> {
    await this.knex<PullRequestRow>('gitops_pull_requests')
      .insert({
        repository,
        number,
        state: observed.state,
        head_sha: observed.headSha ?? null,
        merge_commit_sha: observed.mergeCommitSha ?? null,
        review: observed.review ?? null,
        checks: observed.checks ?? null,
        etags: observed.cache ? JSON.stringify(observed.cache) : null,
        observed_at: new Date(),
      })
      .onConflict(['repository', 'number'])
      .merge();
  }
}
