import { commitOfVersion, versionRefCandidates } from './sourceVersions';

const sha = 'abcdef0123456789abcdef0123456789abcdef01';

describe('versionRefCandidates', () => {
  it('reads a release version as its tag, v-prefixed first, or as spelled', () => {
    expect(versionRefCandidates('1.12.0', '{sha}')).toEqual([
      { kind: 'tag', ref: 'v1.12.0' },
      { kind: 'tag', ref: '1.12.0' },
    ]);
    expect(versionRefCandidates('v2.0.0', '{sha}')).toEqual([
      { kind: 'tag', ref: 'v2.0.0' },
      { kind: 'tag', ref: '2.0.0' },
    ]);
  });

  it('reads a version the source version template made as its commit', () => {
    expect(versionRefCandidates(sha, '{sha}')).toEqual([
      { kind: 'commit', ref: sha },
    ]);
    expect(versionRefCandidates('git-abcdef0', 'git-{sha7}')).toEqual([
      { kind: 'commit', ref: 'abcdef0' },
    ]);
    expect(versionRefCandidates(`main-${sha}`, '{ref}-{sha}')).toEqual([
      { kind: 'commit', ref: sha },
    ]);
  });

  it('has no commit for a digest', () => {
    expect(versionRefCandidates(`sha256:${'a'.repeat(64)}`, '{sha}')).toEqual(
      [],
    );
  });
});

describe('commitOfVersion', () => {
  it('needs the whole version to match the template', () => {
    expect(commitOfVersion('git-abcdef0-dirty', 'git-{sha7}')).toBeUndefined();
    expect(commitOfVersion('1.2.3', '{sha}')).toBeUndefined();
    expect(commitOfVersion('1.2.3', '{ref}')).toBeUndefined();
  });
});
