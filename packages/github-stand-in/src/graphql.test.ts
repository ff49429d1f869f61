import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { Octokit } from '@octokit/rest';
import request from 'supertest';
import { createGitHubStandIn } from './server';
import { seedBareRepository } from './seed';
import { parseQuery, SelectionNode } from './graphql/parse';
import { fragmentApplies, namedType, SCALARS, TYPES } from './graphql/schema';

const TOKEN = 'ghp_standin';

const seedFiles = {
  'cart/overlays/dev/kustomization.yaml':
    'images:\n  - name: cart\n    newTag: 1.0.0\n',
  'orders/values.yaml': 'image:\n  tag: 2.0.0\n',
  'big.yaml': `# ${'x'.repeat(300)}\n`,
  'logo.png': '\u0089PNG\u0000\u0001binary',
};

/**
 * Every value in `data` against the type its field declares in the schema
 * the stand-in transcribes from GitHub's: non-null fields are present and
 * not null, scalars have their JSON type, `__typename` (which the query
 * must ask for under an interface) is an object type the field allows.
 */
function typeProblems(query: string, data: unknown): string[] {
  const problems: string[] = [];
  const check = (
    typeName: string,
    value: Record<string, unknown>,
    selections: SelectionNode[],
    path: string,
  ) => {
    const concrete =
      TYPES[typeName].kind === 'INTERFACE'
        ? String(value.__typename)
        : typeName;
    if (!fragmentApplies(typeName, concrete) && concrete !== typeName) {
      problems.push(`${path}: ${concrete} is not a ${typeName}`);
    }
    for (const selection of selections) {
      if (selection.kind === 'fragment') {
        if (fragmentApplies(selection.typeCondition, concrete)) {
          check(concrete, value, selection.selections, path);
        }
        continue;
      }
      const key = selection.alias ?? selection.name;
      const at = `${path}.${key}`;
      if (!(key in value)) {
        problems.push(`${at}: missing`);
        continue;
      }
      if (selection.name === '__typename') continue;
      const declared = TYPES[concrete].fields[selection.name].type;
      const field = value[key];
      if (field === null) {
        if (declared.endsWith('!'))
          problems.push(`${at}: null for ${declared}`);
        continue;
      }
      const scalar = SCALARS[namedType(declared)];
      if (scalar) {
        if (typeof field !== scalar) {
          problems.push(`${at}: ${typeof field} for ${declared}`);
        }
      } else {
        check(
          namedType(declared),
          field as Record<string, unknown>,
          selection.selections!,
          at,
        );
      }
    }
  };
  check(
    'Query',
    data as Record<string, unknown>,
    parseQuery(query).selections,
    '$',
  );
  return problems;
}

describe('GitHub stand-in GraphQL', () => {
  let dir: string;
  let seed: string;
  let server: { url: string; close(): Promise<void> };
  let standIn: ReturnType<typeof createGitHubStandIn>;
  let octokit: Octokit;

  beforeAll(async () => {
    ({ dir, head: seed } = await seedBareRepository({ files: seedFiles }));
    standIn = createGitHubStandIn({
      repos: [{ owner: 'acme', repo: 'deploy', dir }],
      token: TOKEN,
      graphqlTextLimit: 100,
    });
    server = await standIn.start();
    octokit = new Octokit({ baseUrl: server.url, auth: TOKEN });
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const files = `
    query Files($owner: String!, $name: String!, $commit: String!, $a: String!, $b: String!, $c: String!, $d: String!, $e: String!) {
      repository(owner: $owner, name: $name) {
        commit: object(expression: $commit) { __typename ... on Commit { oid tree { oid } } }
        a: object(expression: $a) { __typename ... on Blob { oid byteSize isBinary isTruncated text } }
        b: object(expression: $b) { __typename ... on Blob { text } }
        missing: object(expression: $c) { __typename ... on Blob { text } }
        dir: object(expression: $d) { __typename oid ... on Blob { text } }
        big: object(expression: $e) { __typename ... on Blob { byteSize isTruncated text } }
        png: object(expression: "main:logo.png") { __typename ... on Blob { isBinary isTruncated text } }
      }
    }`;

  it('reads any number of files of a commit in one request, by revision expression aliases', async () => {
    standIn.resetCalls();
    const data: any = await octokit.graphql(files, {
      owner: 'acme',
      name: 'deploy',
      commit: seed,
      a: `${seed}:cart/overlays/dev/kustomization.yaml`,
      b: 'main:orders/values.yaml',
      c: `${seed}:cart/overlays/nope/kustomization.yaml`,
      d: `${seed}:cart`,
      e: `${seed}:big.yaml`,
    });
    const gitIn = (...args: string[]) =>
      execFileSync('git', ['--git-dir', dir, ...args], {
        encoding: 'utf8',
      }).trim();
    expect(data.repository).toEqual({
      commit: {
        __typename: 'Commit',
        oid: seed,
        tree: { oid: gitIn('rev-parse', `${seed}^{tree}`) },
      },
      a: {
        __typename: 'Blob',
        oid: gitIn('rev-parse', `${seed}:cart/overlays/dev/kustomization.yaml`),
        byteSize: 41,
        isBinary: false,
        isTruncated: false,
        text: seedFiles['cart/overlays/dev/kustomization.yaml'],
      },
      b: { __typename: 'Blob', text: seedFiles['orders/values.yaml'] },
      // A path that does not exist is null, not an error.
      missing: null,
      // A directory is a Tree: the Blob fragment does not apply.
      dir: { __typename: 'Tree', oid: gitIn('rev-parse', `${seed}:cart`) },
      // Like GitHub's 512,000 bytes, here 100: the text stops and says so.
      big: {
        __typename: 'Blob',
        byteSize: 303,
        isTruncated: true,
        text: seedFiles['big.yaml'].slice(0, 100),
      },
      png: {
        __typename: 'Blob',
        isBinary: true,
        isTruncated: false,
        text: null,
      },
    });
    expect(typeProblems(files, data)).toEqual([]);
    expect(standIn.calls).toEqual([
      { method: 'POST', path: '/graphql', status: 200 },
    ]);
  });

  it("answers GitHub's NOT_FOUND error with null data for an unknown repository", async () => {
    const query =
      'query { repository(owner: "acme", name: "nope") { object(expression: "main:x") { oid } } }';
    const res = await request(standIn.app)
      .post('/graphql')
      .set('Authorization', `bearer ${TOKEN}`)
      .send({ query });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: { repository: null },
      errors: [
        {
          type: 'NOT_FOUND',
          path: ['repository'],
          locations: [{ line: 1, column: 9 }],
          message:
            "Could not resolve to a Repository with the name 'acme/nope'.",
        },
      ],
    });
    await expect(octokit.graphql(query)).rejects.toMatchObject({
      name: 'GraphqlResponseError',
      errors: [expect.objectContaining({ type: 'NOT_FOUND' })],
    });
  });

  it("refuses queries GitHub's schema does not allow, before running them", async () => {
    const post = async (query?: string, variables?: object) =>
      (
        await request(standIn.app)
          .post('/graphql')
          .set('Authorization', `token ${TOKEN}`)
          .send({ query, variables })
      ).body;
    const repo = 'repository(owner: "acme", name: "deploy")';
    const messages = async (query: string, variables?: object) => {
      const body = await post(query, variables);
      expect(body.data).toBeUndefined();
      return body.errors.map((e: { message: string }) => e.message);
    };
    expect(
      await messages(
        `query { ${repo} { object(expression: "main:x") { ... on Blob { content } } } }`,
      ),
    ).toEqual(["Field 'content' doesn't exist on type 'Blob'"]);
    expect(
      await messages(`query { repository(name: "deploy") { name } }`),
    ).toEqual(["Field 'repository' is missing required arguments: owner"]);
    expect(
      await messages(`query { ${repo} { object(path: "x") { oid } } }`),
    ).toEqual(["Field 'object' doesn't accept argument 'path'"]);
    expect(
      await messages(`query Q { ${repo} { object(expression: $e) { oid } } }`),
    ).toEqual(['Variable $e is used by Q but not declared']);
    expect(
      await messages(
        `query($e: String!) { ${repo} { object(expression: $e) { oid } } }`,
        {},
      ),
    ).toEqual(['Variable $e of type String! was provided invalid value']);
    expect(
      await messages(`query { ${repo} { object(expression: "main") } }`),
    ).toEqual([
      "Field must have selections (field 'object' returns GitObject but has no selections. Did you mean 'object { ... }'?)",
    ]);
    expect(await messages(`query { ${repo} { name { x } } }`)).toEqual([
      "Selections can't be made on scalars (field 'name' returns String but has selections [x])",
    ]);
    expect(
      await messages(
        `query { ${repo} { object(oid: "x") { ... on Gist { id } } } }`,
      ),
    ).toEqual(["No such type Gist, so it can't be a fragment condition"]);
    expect(await messages(`query { ${repo} { name }`)).toEqual([
      'Parse error on end of query at [1, 59]',
    ]);
    expect(await messages('mutation { x }')).toEqual([
      'Parse error on "mutation" at [1, 1]',
    ]);
    expect(await post()).toEqual({
      errors: [
        {
          message: 'A query attribute must be specified and must be a string.',
        },
      ],
    });
  });

  it('needs credentials like the REST API', async () => {
    const res = await request(standIn.app).post('/graphql').send({
      query: '{ repository(owner: "acme", name: "deploy") { name } }',
    });
    expect(res.status).toBe(401);
    expect(res.body.message).toBe('Bad credentials');
  });
});
