import { timingSafeEqual } from 'node:crypto';

/** True when `header` is GitLab's `X-Gitlab-Token`, the webhook's secret token. */
export function validGitLabToken(secret: string, header: unknown): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(secret);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The manifest repository a GitLab webhook event is about, as Shipdeck
 * names repositories: `<host>/<group>[/<subgroup>…]/<project>`.
 */
export function repositoryOfGitLabEvent(payload: unknown): string | undefined {
  const project = (payload as any)?.project;
  if (
    typeof project?.path_with_namespace !== 'string' ||
    typeof project?.web_url !== 'string'
  ) {
    return undefined;
  }
  try {
    return `${new URL(project.web_url).host}/${project.path_with_namespace}`;
  } catch {
    return undefined;
  }
}

/**
 * Which merge requests an event may have changed: a merge request event's
 * own (opened, updated, approved, merged, closed…) and a pipeline event's
 * merge request, or its commit when the pipeline ran for a branch. Read
 * from the payload alone, since events that reach another replica through
 * the events bus lose their HTTP headers.
 */
export function mergeRequestsOfGitLabEvent(payload: unknown): {
  numbers: number[];
  headSha?: string;
} {
  const p = payload as any;
  if (p?.object_kind === 'merge_request') {
    const iid = p.object_attributes?.iid;
    return { numbers: typeof iid === 'number' ? [iid] : [] };
  }
  if (p?.object_kind === 'pipeline') {
    const iid = p.merge_request?.iid;
    const sha = p.object_attributes?.sha;
    return {
      numbers: typeof iid === 'number' ? [iid] : [],
      ...(typeof sha === 'string' ? { headSha: sha } : {}),
    };
  }
  return { numbers: [] };
}
