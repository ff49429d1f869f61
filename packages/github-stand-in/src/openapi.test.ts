import {
  matchPathTemplate,
  operationId,
  responseSchema,
  validateSchema,
} from './openapi';
import { githubDescription } from './__testUtils__/octokit';

const description = githubDescription();

const sha = 'a'.repeat(40);
const api = 'https://api.github.com/repos/acme/deploy';

function validRef() {
  return {
    ref: 'refs/heads/main',
    node_id: 'REF_x',
    url: `${api}/git/refs/heads/main`,
    object: { sha, type: 'commit', url: `${api}/git/commits/${sha}` },
  };
}

function validCommit() {
  const signature = {
    name: 'A',
    email: 'a@example.com',
    date: '2024-01-02T03:04:05Z',
  };
  return {
    sha,
    node_id: 'C_x',
    url: `${api}/git/commits/${sha}`,
    html_url: `https://github.com/acme/deploy/commit/${sha}`,
    author: { ...signature },
    committer: { ...signature },
    tree: { sha, url: `${api}/git/trees/${sha}` },
    message: 'm',
    parents: [
      {
        sha,
        url: `${api}/git/commits/${sha}`,
        html_url: `https://github.com/acme/deploy/commit/${sha}`,
      },
    ],
    verification: {
      verified: false,
      reason: 'unsigned',
      signature: null,
      payload: null,
      verified_at: null,
    },
  };
}

const getRefSchema = () =>
  responseSchema(
    description,
    '/repos/{owner}/{repo}/git/ref/{ref}',
    'get',
    200,
  )!;
const commitSchema = () =>
  responseSchema(
    description,
    '/repos/{owner}/{repo}/git/commits',
    'post',
    201,
  )!;

describe('OpenAPI response validation', () => {
  it('accepts conforming bodies', () => {
    expect(validateSchema(description, getRefSchema(), validRef())).toEqual([]);
    expect(validateSchema(description, commitSchema(), validCommit())).toEqual(
      [],
    );
  });

  it('reports a missing required property', () => {
    const body: any = validRef();
    delete body.object.sha;
    expect(validateSchema(description, getRefSchema(), body)).toEqual([
      { path: '$.object.sha', message: 'required property is missing' },
    ]);
  });

  it('reports wrong types, lengths and nulls where nulls are not allowed', () => {
    const body: any = validRef();
    body.node_id = 5;
    body.object.sha = 'abc';
    expect(validateSchema(description, getRefSchema(), body)).toEqual([
      { path: '$.node_id', message: 'expected string, got integer' },
      { path: '$.object.sha', message: 'shorter than 40' },
    ]);
    const commit: any = validCommit();
    commit.message = null;
    commit.verification.signature = null; // nullable: fine
    expect(validateSchema(description, commitSchema(), commit)).toEqual([
      { path: '$.message', message: 'expected string, got null' },
    ]);
  });

  it('follows $refs into nested schemas and checks enums and formats', () => {
    const commit: any = validCommit();
    delete commit.parents[0].html_url;
    commit.author.date = 'yesterday';
    expect(validateSchema(description, commitSchema(), commit)).toEqual([
      { path: '$.author.date', message: 'not a date-time: "yesterday"' },
      {
        path: '$.parents[0].html_url',
        message: 'required property is missing',
      },
    ]);
    const merge = responseSchema(
      description,
      '/repos/{owner}/{repo}/pulls/{pull_number}',
      'get',
      200,
    )!;
    const problems = validateSchema(description, merge, { state: 'merged' });
    expect(problems).toContainEqual({
      path: '$.state',
      message: 'expected one of ["open","closed"], got "merged"',
    });
    expect(
      problems.filter(p => p.message === 'required property is missing').length,
    ).toBeGreaterThan(30);
  });

  it('treats oneOf as "at least one" and reports when none matches', () => {
    const content = responseSchema(
      description,
      '/repos/{owner}/{repo}/contents/{path}',
      'get',
      200,
    )!;
    expect(validateSchema(description, content, [])).toEqual([]);
    const [problem] = validateSchema(description, content, { type: 'file' });
    expect(problem.message).toMatch(/^matches none of oneOf/);
  });

  it('resolves response $refs and finds templates for concrete paths', () => {
    const notFound = responseSchema(
      description,
      '/repos/{owner}/{repo}/git/ref/{ref}',
      'get',
      404,
    );
    expect(notFound).toEqual({ $ref: '#/components/schemas/basic-error' });
    expect(
      responseSchema(description, '/repos/{owner}/{repo}', 'get', 418),
    ).toBeUndefined();
    expect(
      matchPathTemplate(description, 'http://x/repos/acme/deploy/pulls?page=2'),
    ).toBe('/repos/{owner}/{repo}/pulls');
    expect(matchPathTemplate(description, '/repos/acme/deploy/git/refs')).toBe(
      '/repos/{owner}/{repo}/git/refs',
    );
    expect(
      operationId(
        description,
        '/repos/{owner}/{repo}/pulls/{pull_number}/merge',
        'put',
      ),
    ).toBe('pulls/merge');
  });
});
