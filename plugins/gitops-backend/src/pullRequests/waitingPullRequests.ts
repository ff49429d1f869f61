import {
  DeploymentRecord,
  PullRequestInfo,
} from '@shipdeck/plugin-gitops-common';
import { pullRequestNumber } from '../scm/pullRequestNumber';
import { PullRequestStore, pullRequestKey } from '../database/PullRequestStore';

/**
 * The open pull request each of these records waits for, keyed by record
 * id, with review and checks as Shipdeck last looked (none without a store
 * or before the first look). Records without a pull request link are left
 * out. One read for all of them.
 */
export async function waitingPullRequests(
  records: DeploymentRecord[],
  store?: PullRequestStore,
): Promise<Map<string, PullRequestInfo>> {
  const waiting = records.flatMap(record => {
    const number = record.pullRequestUrl
      ? pullRequestNumber(record.pullRequestUrl)
      : undefined;
    return number === undefined
      ? []
      : [{ record, repository: record.repository ?? '', number }];
  });
  const observed = await store?.getMany(waiting.filter(w => w.repository));
  return new Map(
    waiting.map(({ record, repository, number }) => {
      const seen = observed?.get(pullRequestKey(repository, number));
      const info: PullRequestInfo = {
        number,
        url: record.pullRequestUrl!,
        state: 'open',
        ...(seen?.review ? { review: seen.review } : {}),
        ...(seen?.checks ? { checks: seen.checks } : {}),
      };
      return [record.id, info];
    }),
  );
}
