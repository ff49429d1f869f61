/**
 * The number of a pull request from its link: GitHub's `…/pull/12`, a local
 * repository's `…/pulls/12` (or `local:demo#pull/12` without a web UI),
 * GitLab's merge request `…/-/merge_requests/12` (its iid).
 */
export function pullRequestNumber(url: string): number | undefined {
  const match = /[/#](?:pulls?|merge_requests)\/(\d+)\/?(?:[?#].*)?$/.exec(url);
  return match ? Number(match[1]) : undefined;
}
