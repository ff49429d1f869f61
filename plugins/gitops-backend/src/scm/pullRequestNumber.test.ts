import { pullRequestNumber } from './pullRequestNumber';

describe('pullRequestNumber', () => {
  it('reads the number of a GitHub or local pull request and a GitLab merge request', () => {
    expect(pullRequestNumber('https://github.com/acme/deploy/pull/12')).toBe(
      12,
    );
    expect(
      pullRequestNumber('http://localhost:3000/repositories/x/pulls/3'),
    ).toBe(3);
    expect(pullRequestNumber('local:demo#pull/4')).toBe(4);
    expect(
      pullRequestNumber(
        'https://gitlab.example.com/platform/deploy/manifests/-/merge_requests/7',
      ),
    ).toBe(7);
    expect(
      pullRequestNumber('https://gitlab.example.com/a/b/-/commit/7'),
    ).toBeUndefined();
  });
});
