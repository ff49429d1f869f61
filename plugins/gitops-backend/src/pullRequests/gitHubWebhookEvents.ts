import { createHmac, timingSafeEqual } from 'node:crypto';

/** True when `header` is GitHub's `X-Hub-Signature-256` of `body` with `secret`. */
export function validSignature(
  secret: string,
  body: Buffer,
  header: unknown,
): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) {
    return false;
  }
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
  );
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The manifest repository a webhook event is about, as Shipdeck names
 * repositories (`github.com/acme/deploy`, or a GitHub Enterprise host).
 */
export function repositoryOfEvent(payload: unknown): string | undefined {
  const repository = (payload as any)?.repository;
  if (
    typeof repository?.full_name !== 'string' ||
    typeof repository?.html_url !== 'string'
  ) {
    return undefined;
  }
  try {
    return `${new URL(repository.html_url).host}/${repository.full_name}`;
  } catch {
    return undefined;
  }
}

/**
 * Which pull requests an event may have changed: by number
 * (`pull_request`, `pull_request_review`, and check events that list their
 * pull requests) and by head commit (`check_run`, `check_suite`, `status`).
 * Read from the payload alone, since events that reach another replica
 * through the events bus lose their HTTP headers.
 */
export function pullRequestsOfEvent(payload: unknown): {
  numbers: number[];
  headSha?: string;
} {
  const p = payload as any;
  const numbers: number[] = [];
  if (typeof p?.pull_request?.number === 'number') {
    numbers.push(p.pull_request.number);
  }
  const check = p?.check_run ?? p?.check_suite;
  for (const pull of check?.pull_requests ?? []) {
    if (typeof pull?.number === 'number') numbers.push(pull.number);
  }
  let headSha: string | undefined;
  if (typeof check?.head_sha === 'string') {
    headSha = check.head_sha;
  } else if (typeof p?.sha === 'string' && typeof p?.context === 'string') {
    headSha = p.sha;
  }
  return { numbers: [...new Set(numbers)], ...(headSha ? { headSha } : {}) };
}
