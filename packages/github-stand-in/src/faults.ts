import express from 'express';
import { docs } from './shapes';

/**
 * A fault the stand-in injects, for tests of how a client copes with
 * GitHub misbehaving. Test-only: a stand-in without faults answers as
 * GitHub does.
 */
export interface GitHubStandInFault {
  /** Only requests with this method (default any). */
  method?: string;
  /** Only requests whose (decoded) path matches (default any). */
  path?: RegExp;
  /** How many matching requests it answers (default every one until cleared). */
  times?: number;
  /** Wait this long before answering (alone: then answer normally). */
  delayMs?: number;
  /** Answer with this status and GitHub's error body (500, 502, 503…). */
  status?: number;
  /**
   * GitHub's rate limits: `primary` is a 403 with `x-ratelimit-remaining: 0`
   * and the reset time; `secondary` a 429 with `retry-after`.
   */
  rateLimit?: 'primary' | 'secondary';
  /** Seconds until the limit resets or the client may retry; default 1. */
  retryAfterSeconds?: number;
  /** An outage: the connection closes without an answer. */
  reset?: boolean;
}

/** Octokit sends `heads%2Fmain`; faults match the path as GitHub reads it. */
function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** The faults in force, and the middleware that applies them. */
export class GitHubStandInFaults {
  #faults: GitHubStandInFault[] = [];

  /** Adds a fault; the first that matches a request applies. */
  add(fault: GitHubStandInFault): void {
    this.#faults.push({ ...fault });
  }

  clear(): void {
    this.#faults = [];
  }

  /** The fault for a request, consuming one of its `times`. */
  #take(req: express.Request): GitHubStandInFault | undefined {
    const index = this.#faults.findIndex(
      f =>
        (!f.method || f.method.toUpperCase() === req.method) &&
        (!f.path || f.path.test(decodedPath(req.path))),
    );
    if (index < 0) return undefined;
    const fault = this.#faults[index];
    if (fault.times !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) this.#faults.splice(index, 1);
    }
    return fault;
  }

  middleware(): express.RequestHandler {
    return (req, res, next) => {
      const fault = this.#take(req);
      if (!fault) {
        next();
        return;
      }
      const answer = () => {
        const wait = fault.retryAfterSeconds ?? 1;
        if (fault.reset) {
          req.socket.destroy();
        } else if (fault.rateLimit === 'primary') {
          res
            .status(403)
            .set({
              'x-ratelimit-remaining': '0',
              'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + wait),
            })
            .json({
              message: 'API rate limit exceeded for user ID 4242.',
              documentation_url:
                'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
              status: '403',
            });
        } else if (fault.rateLimit === 'secondary') {
          res.status(429).set('retry-after', String(wait)).json({
            message:
              'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
            documentation_url:
              'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
            status: '429',
          });
        } else if (fault.status !== undefined) {
          res.status(fault.status).json({
            message: fault.status >= 500 ? 'Server Error' : 'Injected failure',
            documentation_url: docs.root,
            status: String(fault.status),
          });
        } else {
          next();
        }
      };
      if (fault.delayMs) setTimeout(answer, fault.delayMs);
      else answer();
    };
  }
}
