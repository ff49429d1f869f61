import { createHmac } from 'node:crypto';
import {
  pullRequestsOfEvent,
  repositoryOfEvent,
  validSignature,
} from './gitHubWebhookEvents';

const repository = {
  full_name: 'shop/deploy',
  html_url: 'https://github.com/shop/deploy',
};

describe('GitHub webhook events', () => {
  it('checks X-Hub-Signature-256 against the body and the secret', () => {
    const body = Buffer.from('{"zen":"Keep it logically awesome."}');
    const good = `sha256=${createHmac('sha256', 's3cret')
      .update(body)
      .digest('hex')}`;
    expect(validSignature('s3cret', body, good)).toBe(true);
    expect(validSignature('other', body, good)).toBe(false);
    expect(validSignature('s3cret', Buffer.from('{}'), good)).toBe(false);
    expect(
      validSignature('s3cret', body, good.replace('sha256=', 'sha1=')),
    ).toBe(false);
    expect(validSignature('s3cret', body, 'sha256=abc')).toBe(false);
    expect(validSignature('s3cret', body, undefined)).toBe(false);
    expect(validSignature('s3cret', body, [good])).toBe(false);
  });

  it('names the repository as Shipdeck does, GitHub Enterprise hosts included', () => {
    expect(repositoryOfEvent({ repository })).toBe('github.com/shop/deploy');
    expect(
      repositoryOfEvent({
        repository: {
          full_name: 'ops/manifests',
          html_url: 'https://ghe.acme.example/ops/manifests',
        },
      }),
    ).toBe('ghe.acme.example/ops/manifests');
    expect(repositoryOfEvent({ zen: 'hi' })).toBeUndefined();
    expect(
      repositoryOfEvent({ repository: { full_name: 'a/b', html_url: 'nope' } }),
    ).toBeUndefined();
  });

  it('finds the pull requests an event is about, by number or by head commit', () => {
    expect(
      pullRequestsOfEvent({ action: 'closed', pull_request: { number: 4 } }),
    ).toEqual({ numbers: [4] });
    expect(
      pullRequestsOfEvent({
        action: 'submitted',
        review: { state: 'approved' },
        pull_request: { number: 5 },
      }),
    ).toEqual({ numbers: [5] });
    expect(
      pullRequestsOfEvent({
        action: 'completed',
        check_run: {
          head_sha: 'abc',
          pull_requests: [{ number: 6 }, { number: 6 }],
        },
      }),
    ).toEqual({ numbers: [6], headSha: 'abc' });
    expect(
      pullRequestsOfEvent({
        action: 'completed',
        check_suite: { head_sha: 'def', pull_requests: [] },
      }),
    ).toEqual({ numbers: [], headSha: 'def' });
    expect(
      pullRequestsOfEvent({ sha: '123', state: 'failure', context: 'ci' }),
    ).toEqual({ numbers: [], headSha: '123' });
    expect(pullRequestsOfEvent({ ref: 'refs/heads/main' })).toEqual({
      numbers: [],
    });
  });
});
