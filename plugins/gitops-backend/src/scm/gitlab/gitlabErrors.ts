import {
  ConflictError,
  ForwardedError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { StaleBranchError } from '../ManifestRepository';

/** What GitLab answered to a failed request, from a gitbeaker error. */
export interface GitLabFailure {
  status: number;
  /** GitLab's `message` (or `error`), e.g. `404 Branch Not Found`. */
  message: string;
}

/** The HTTP status and GitLab message of a gitbeaker request error, if it is one. */
export function gitlabFailure(error: unknown): GitLabFailure | undefined {
  const cause = (
    error as { cause?: { response?: Response; description?: unknown } }
  )?.cause;
  if (typeof cause?.response?.status !== 'number') return undefined;
  return {
    status: cause.response.status,
    message: describe(cause.description) ?? `HTTP ${cause.response.status}`,
  };
}

/** GitLab's `message` is a string, a list, or an object of field errors. */
function describe(description: unknown): string | undefined {
  if (Array.isArray(description)) return description.join('; ');
  if (typeof description === 'string') return description;
  if (typeof description === 'object' && description !== null) {
    return JSON.stringify(description);
  }
  return undefined;
}

/**
 * GitLab refusing a commit because the branch moved under it: a file
 * changed since the commit Shipdeck read (`last_commit_id`), a file it
 * creates appeared, or one it updates went away. The caller re-reads and
 * re-applies.
 */
export function isStaleWrite(failure: GitLabFailure | undefined): boolean {
  return (
    failure?.status === 400 &&
    /changed since you started editing|A file with this name (already exists|doesn't exist)/i.test(
      failure.message,
    )
  );
}

const PASSED_THROUGH = [
  'NotFoundError',
  'NotAllowedError',
  'ConflictError',
  'InputError',
  'ServiceUnavailableError',
];

/** A Backstage error naming the repository and what was being done. */
export function mapGitLabError(
  id: string,
  error: unknown,
  action: string,
): Error {
  const failure = gitlabFailure(error);
  if (
    error instanceof StaleBranchError ||
    (!failure && error instanceof Error && PASSED_THROUGH.includes(error.name))
  ) {
    return error as Error;
  }
  const context = `GitLab ${id}: ${action} failed`;
  if (!failure) {
    // No HTTP answer (fetch's TypeError, which may come from another realm
    // and so not be an instance of this one's Error).
    return error instanceof Error ||
      typeof (error as Error)?.message === 'string'
      ? new ServiceUnavailableError(
          `${context}; GitLab could not be reached: ${
            (error as Error).message
          }`,
          error as Error,
        )
      : new Error(`${context}: ${String(error)}`);
  }
  switch (failure.status) {
    case 401:
      return new NotAllowedError(
        `${context}; GitLab rejected the token (${failure.message}). Check integrations.gitlab for this host.`,
        error,
      );
    case 403:
      return new NotAllowedError(
        `${context}; the token may not do this in ${id} (${failure.message}); it needs the api scope and at least the Developer role, and the branch must allow its pushes`,
        error,
      );
    case 404:
      return new NotFoundError(
        `${context}; not found, or the token cannot see ${id} (${failure.message})`,
        error,
      );
    case 409:
      return new ConflictError(`${context}: ${failure.message}`, error);
    case 400:
    case 422:
      // "You are not allowed to push into this branch" is a 400 of the
      // commits API, not a 403.
      if (/not allowed to push/i.test(failure.message)) {
        return new NotAllowedError(
          `${context}; the token may not push to this branch in ${id} (${failure.message})`,
          error,
        );
      }
      return new InputError(
        `${context}; GitLab refused it: ${failure.message}`,
        error,
      );
    case 429:
      return new ServiceUnavailableError(
        `${context}; GitLab's rate limit is exhausted: ${failure.message}`,
        error,
      );
    default:
      if (failure.status >= 500) {
        return new ServiceUnavailableError(
          `${context}; GitLab answered ${failure.status}: ${failure.message}`,
          error,
        );
      }
      return new ForwardedError(
        `${context} (HTTP ${failure.status})`,
        error instanceof Error ? error : new Error(failure.message),
      );
  }
}
