import { CommitObject, TreeEntry } from './git';

/**
 * Builders for GitHub's REST response objects, shaped after the schemas in
 * GitHub's OpenAPI description (`@octokit/openapi`, api.github.com).
 */

/** The account the stand-in acts as: it owns every repository and authors PRs. */
export interface StandInUser {
  login: string;
  id: number;
  name: string;
  email: string;
}

/** Where a response is served from: the API origin and the web origin. */
export interface Origins {
  /** e.g. `http://127.0.0.1:4567` (what GitHub calls https://api.github.com). */
  api: string;
  /** e.g. `https://github.com`. */
  html: string;
}

export interface RepoInfo {
  owner: string;
  repo: string;
  id: number;
  defaultBranch: string;
  createdAt: string;
  pushedAt: string;
}

/** GitHub's documentation links, which error bodies carry. */
export const docs = {
  root: 'https://docs.github.com/rest',
  getRepo: 'https://docs.github.com/rest/repos/repos#get-a-repository',
  getRef: 'https://docs.github.com/rest/git/refs#get-a-reference',
  createRef: 'https://docs.github.com/rest/git/refs#create-a-reference',
  updateRef: 'https://docs.github.com/rest/git/refs#update-a-reference',
  getCommit: 'https://docs.github.com/rest/git/commits#get-a-commit-object',
  createCommit: 'https://docs.github.com/rest/git/commits#create-a-commit',
  createTree: 'https://docs.github.com/rest/git/trees#create-a-tree',
  getTree: 'https://docs.github.com/rest/git/trees#get-a-tree',
  getContent:
    'https://docs.github.com/rest/repos/contents#get-repository-content',
  listPulls: 'https://docs.github.com/rest/pulls/pulls#list-pull-requests',
  createPull: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
  getPull: 'https://docs.github.com/rest/pulls/pulls#get-a-pull-request',
  updatePull: 'https://docs.github.com/rest/pulls/pulls#update-a-pull-request',
  mergePull: 'https://docs.github.com/rest/pulls/pulls#merge-a-pull-request',
};

/** A repository's API and web addresses, which every shape links from. */
export function repoUrls(info: RepoInfo, origins: Origins) {
  return {
    api: `${origins.api}/repos/${info.owner}/${info.repo}`,
    html: `${origins.html}/${info.owner}/${info.repo}`,
  };
}

/** A deterministic, base64 GraphQL-style node id. */
export function nodeId(prefix: string, key: string | number): string {
  return `${prefix}_${Buffer.from(String(key)).toString('base64url')}`;
}

export function simpleUser(user: StandInUser, origins: Origins) {
  const url = `${origins.api}/users/${user.login}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId('U', user.id),
    avatar_url: `${origins.html}/${user.login}.png`,
    gravatar_id: '',
    url,
    html_url: `${origins.html}/${user.login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: 'User',
    user_view_type: 'public',
    site_admin: false,
  };
}

/**
 * A repository object that satisfies both `full-repository` (GET a
 * repository) and `repository` (inside pull requests' head and base).
 */
export function repository(
  info: RepoInfo,
  owner: StandInUser,
  origins: Origins,
) {
  const fullName = `${info.owner}/${info.repo}`;
  const url = `${origins.api}/repos/${fullName}`;
  const htmlUrl = `${origins.html}/${fullName}`;
  const host = new URL(origins.html).host;
  return {
    id: info.id,
    node_id: nodeId('R', info.id),
    name: info.repo,
    full_name: fullName,
    private: true,
    owner: simpleUser({ ...owner, login: info.owner }, origins),
    html_url: htmlUrl,
    description: null,
    fork: false,
    url,
    forks_url: `${url}/forks`,
    keys_url: `${url}/keys{/key_id}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    teams_url: `${url}/teams`,
    hooks_url: `${url}/hooks`,
    issue_events_url: `${url}/issues/events{/number}`,
    events_url: `${url}/events`,
    assignees_url: `${url}/assignees{/user}`,
    branches_url: `${url}/branches{/branch}`,
    tags_url: `${url}/tags`,
    blobs_url: `${url}/git/blobs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    trees_url: `${url}/git/trees{/sha}`,
    statuses_url: `${url}/statuses/{sha}`,
    languages_url: `${url}/languages`,
    stargazers_url: `${url}/stargazers`,
    contributors_url: `${url}/contributors`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    commits_url: `${url}/commits{/sha}`,
    git_commits_url: `${url}/git/commits{/sha}`,
    comments_url: `${url}/comments{/number}`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    contents_url: `${url}/contents/{+path}`,
    compare_url: `${url}/compare/{base}...{head}`,
    merges_url: `${url}/merges`,
    archive_url: `${url}/{archive_format}{/ref}`,
    downloads_url: `${url}/downloads`,
    issues_url: `${url}/issues{/number}`,
    pulls_url: `${url}/pulls{/number}`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    labels_url: `${url}/labels{/name}`,
    releases_url: `${url}/releases{/id}`,
    deployments_url: `${url}/deployments`,
    created_at: info.createdAt,
    updated_at: info.pushedAt,
    pushed_at: info.pushedAt,
    git_url: `git://${host}/${fullName}.git`,
    ssh_url: `git@${host}:${fullName}.git`,
    clone_url: `${htmlUrl}.git`,
    svn_url: htmlUrl,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: false,
    has_downloads: true,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: 0,
    license: null,
    allow_forking: false,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: 'private',
    forks: 0,
    open_issues: 0,
    watchers: 0,
    default_branch: info.defaultBranch,
    permissions: {
      admin: true,
      maintain: true,
      push: true,
      triage: true,
      pull: true,
    },
    allow_squash_merge: true,
    allow_merge_commit: true,
    allow_rebase_merge: true,
    allow_auto_merge: false,
    delete_branch_on_merge: false,
    network_count: 0,
    subscribers_count: 0,
  };
}

export function gitRef(
  fullRef: string,
  sha: string,
  info: RepoInfo,
  origins: Origins,
) {
  const repoUrl = repoUrls(info, origins).api;
  return {
    ref: fullRef,
    node_id: nodeId('REF', `${info.id}:${fullRef}`),
    url: `${repoUrl}/git/${fullRef}`,
    object: {
      sha,
      type: 'commit',
      url: `${repoUrl}/git/commits/${sha}`,
    },
  };
}

export function gitCommit(
  commit: CommitObject,
  info: RepoInfo,
  origins: Origins,
) {
  const { api: repoUrl, html: htmlUrl } = repoUrls(info, origins);
  return {
    sha: commit.sha,
    node_id: nodeId('C', commit.sha),
    url: `${repoUrl}/git/commits/${commit.sha}`,
    html_url: `${htmlUrl}/commit/${commit.sha}`,
    author: commit.author,
    committer: commit.committer,
    tree: {
      sha: commit.tree,
      url: `${repoUrl}/git/trees/${commit.tree}`,
    },
    message: commit.message,
    parents: commit.parents.map(sha => ({
      sha,
      url: `${repoUrl}/git/commits/${sha}`,
      html_url: `${htmlUrl}/commit/${sha}`,
    })),
    verification: {
      verified: false,
      reason: 'unsigned',
      signature: null,
      payload: null,
      verified_at: null,
    },
  };
}

export function gitTree(
  sha: string,
  entries: TreeEntry[],
  info: RepoInfo,
  origins: Origins,
) {
  const repoUrl = repoUrls(info, origins).api;
  return {
    sha,
    url: `${repoUrl}/git/trees/${sha}`,
    tree: entries.map(entry => ({
      path: entry.path,
      mode: entry.mode,
      type: entry.type,
      sha: entry.sha,
      ...(entry.size !== undefined ? { size: entry.size } : {}),
      url:
        entry.type === 'blob'
          ? `${repoUrl}/git/blobs/${entry.sha}`
          : `${repoUrl}/git/trees/${entry.sha}`,
    })),
    truncated: false,
  };
}

function contentLinks(
  entry: { path: string; sha: string; type: string },
  ref: string,
  info: RepoInfo,
  origins: Origins,
) {
  const repoUrl = repoUrls(info, origins).api;
  const htmlKind = entry.type === 'dir' ? 'tree' : 'blob';
  const self = `${repoUrl}/contents/${entry.path}?ref=${encodeURIComponent(
    ref,
  )}`;
  const git = `${repoUrl}/git/${entry.type === 'dir' ? 'trees' : 'blobs'}/${
    entry.sha
  }`;
  const html = `${origins.html}/${info.owner}/${info.repo}/${htmlKind}/${ref}/${entry.path}`;
  return { self, git, html };
}

/** An entry of a `content-directory` listing, or the head of a `content-file`. */
export function contentEntry(
  entry: TreeEntry,
  ref: string,
  info: RepoInfo,
  origins: Origins,
) {
  let type: string;
  if (entry.type === 'tree') {
    type = 'dir';
  } else if (entry.type === 'commit') {
    type = 'submodule';
  } else if (entry.mode === '120000') {
    type = 'symlink';
  } else {
    type = 'file';
  }
  const links = contentLinks({ ...entry, type }, ref, info, origins);
  const name = entry.path.split('/').pop() ?? entry.path;
  return {
    type,
    size: entry.size ?? 0,
    name,
    path: entry.path,
    sha: entry.sha,
    url: links.self,
    git_url: type === 'submodule' ? null : links.git,
    html_url: type === 'submodule' ? null : links.html,
    download_url:
      type === 'file'
        ? `https://raw.githubusercontent.com/${info.owner}/${info.repo}/${ref}/${entry.path}`
        : null,
    _links: links,
  };
}

/** Base64 the way GitHub's contents API sends it: wrapped at 60 characters. */
export function wrappedBase64(bytes: Buffer): string {
  const flat = bytes.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < flat.length; i += 60) {
    lines.push(flat.slice(i, i + 60));
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** A pull request as the stand-in keeps it. */
export interface PullRecord {
  number: number;
  id: number;
  title: string;
  body: string | null;
  head: string;
  base: string;
  draft: boolean;
  state: 'open' | 'closed';
  merged: boolean;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** The head commit when the branch is gone (after a merge or deletion). */
  lastHeadSha: string;
  lastBaseSha: string;
  /** What the pull request showed when it was closed or merged. */
  frozen?: Pick<
    PullLive,
    'commits' | 'additions' | 'deletions' | 'changedFiles'
  >;
}

/** What the stand-in computes about an open pull request when it is read. */
export interface PullLive {
  headSha: string;
  baseSha: string;
  mergeable: boolean | null;
  commits: number;
  additions: number;
  deletions: number;
  changedFiles: number;
}

/** `pull-request-simple` (list) or, with `live`, `pull-request` (get, create, update). */
export function pullRequest(
  pull: PullRecord,
  live: PullLive,
  info: RepoInfo,
  user: StandInUser,
  origins: Origins,
  detail: boolean,
) {
  const repoUrl = repoUrls(info, origins).api;
  const htmlUrl = `${repoUrls(info, origins).html}/pull/${pull.number}`;
  const repo = repository(info, user, origins);
  const owner = simpleUser({ ...user, login: info.owner }, origins);
  const author = simpleUser(user, origins);
  const link = (href: string) => ({ href });
  const simple = {
    url: `${repoUrl}/pulls/${pull.number}`,
    id: pull.id,
    node_id: nodeId('PR', pull.id),
    html_url: htmlUrl,
    diff_url: `${htmlUrl}.diff`,
    patch_url: `${htmlUrl}.patch`,
    issue_url: `${repoUrl}/issues/${pull.number}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: author,
    body: pull.body,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    labels: [],
    milestone: null,
    draft: pull.draft,
    commits_url: `${repoUrl}/pulls/${pull.number}/commits`,
    review_comments_url: `${repoUrl}/pulls/${pull.number}/comments`,
    review_comment_url: `${repoUrl}/pulls/comments{/number}`,
    comments_url: `${repoUrl}/issues/${pull.number}/comments`,
    statuses_url: `${repoUrl}/statuses/${live.headSha}`,
    head: {
      label: `${info.owner}:${pull.head}`,
      ref: pull.head,
      sha: live.headSha,
      user: owner,
      repo,
    },
    base: {
      label: `${info.owner}:${pull.base}`,
      ref: pull.base,
      sha: live.baseSha,
      user: owner,
      repo,
    },
    _links: {
      self: link(`${repoUrl}/pulls/${pull.number}`),
      html: link(htmlUrl),
      issue: link(`${repoUrl}/issues/${pull.number}`),
      comments: link(`${repoUrl}/issues/${pull.number}/comments`),
      review_comments: link(`${repoUrl}/pulls/${pull.number}/comments`),
      review_comment: link(`${repoUrl}/pulls/comments{/number}`),
      commits: link(`${repoUrl}/pulls/${pull.number}/commits`),
      statuses: link(`${repoUrl}/statuses/${live.headSha}`),
    },
    author_association: 'OWNER',
    auto_merge: null,
    active_lock_reason: null,
  };
  if (!detail) {
    return simple;
  }
  let mergeableState = 'unknown';
  if (pull.state === 'open' && live.mergeable !== null) {
    mergeableState = live.mergeable ? 'clean' : 'dirty';
  }
  return {
    ...simple,
    merged: pull.merged,
    mergeable: pull.state === 'open' ? live.mergeable : null,
    rebaseable: pull.state === 'open' ? live.mergeable : null,
    mergeable_state: mergeableState,
    merged_by: pull.merged ? author : null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: live.commits,
    additions: live.additions,
    deletions: live.deletions,
    changed_files: live.changedFiles,
  };
}
