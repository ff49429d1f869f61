import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Gitlab } from '@gitbeaker/rest';
import {
  matchPathTemplate,
  OpenApiDocument,
  responseSchema,
  seedBareRepository,
  validateSchema,
} from '@shipdeck/github-stand-in';
import { createGitLabStandIn } from './server';

const contract: OpenApiDocument = JSON.parse(
  readFileSync(
    join(__dirname, '..', 'contract', 'gitlab-rest-v4.json'),
    'utf8',
  ),
);

// Dozens of git commands per request in the stand-in: slow on busy cores.
jest.setTimeout(120_000);

const project = 'shop/platform/deploy';
const failureStatus = (error: unknown) =>
  (error as { cause?: { response?: Response } }).cause?.response?.status;

describe('GitLab stand-in', () => {
  it('answers what gitbeaker asks with GitLab’s shapes (checked against the contract) and GitLab’s refusals', async () => {
    const files: Record<string, string> = {
      'cart/dev.yaml': 'tag: 1\n',
      'cart/prod.yaml': 'tag: 1\n',
    };
    for (let i = 0; i < 120; i++) files[`many/f${i}.yaml`] = `n: ${i}\n`;
    const { dir, head } = await seedBareRepository({ files });
    const git = (...args: string[]) =>
      execFileSync('git', ['--git-dir', dir, ...args], {
        encoding: 'utf8',
      }).trim();
    git('tag', '-a', '-m', 'release', 'v1', head);
    const standIn = createGitLabStandIn({
      projects: [{ fullPath: project, dir }],
      tokens: { 'glpat-write': 'write', 'glpat-read': 'read' },
      recordBodies: true,
    });
    const { url, close } = await standIn.start();
    const api = new Gitlab({ host: url, token: 'glpat-write' });
    const reader = new Gitlab({ host: url, token: 'glpat-read' });
    try {
      expect((await api.Branches.show(project, 'main')).commit.id).toBe(head);
      expect((await api.Tags.show(project, 'v1')).commit.id).toBe(head);
      const tree = await api.Repositories.allRepositoryTrees(project, {
        ref: head,
        path: 'many',
        recursive: true,
        perPage: 100,
      });
      expect(tree).toHaveLength(120);

      // One commit of two actions; the update guarded by last_commit_id.
      const first = await api.Commits.create(project, 'main', 'two files', [
        {
          action: 'update',
          filePath: 'cart/dev.yaml',
          content: 'tag: 2\n',
          lastCommitId: head,
        },
        { action: 'create', filePath: 'cart/new.yaml', content: 'new\n' },
      ]);
      expect(git('rev-parse', 'main')).toBe(first.id);
      expect(git('show', 'main:cart/new.yaml')).toBe('new');

      // Another file changed since `head`: accepted (dev.yaml did not).
      await api.Commits.create(project, 'main', 'prod', [
        {
          action: 'update',
          filePath: 'cart/prod.yaml',
          content: 'tag: 3\n',
          lastCommitId: head,
        },
      ]);
      // dev.yaml changed since `head`: refused whole, nothing written.
      const before = git('rev-parse', 'main');
      const stale = await api.Commits.create(project, 'main', 'stale', [
        {
          action: 'update',
          filePath: 'cart/dev.yaml',
          content: 'tag: 9\n',
          lastCommitId: head,
        },
        { action: 'create', filePath: 'cart/other.yaml', content: 'x\n' },
      ]).catch(e => e);
      expect(failureStatus(stale)).toBe(400);
      expect(stale.cause.description).toBe(
        'The file has changed since you started editing it: cart/dev.yaml',
      );
      expect(git('rev-parse', 'main')).toBe(before);

      // A branch for a merge request: forced onto a start commit.
      const onBranch = await api.Commits.create(
        project,
        'shipdeck/prod/cart',
        'mr',
        [{ action: 'update', filePath: 'cart/prod.yaml', content: 'tag: 4\n' }],
        { startSha: before, force: true },
      );
      expect(git('rev-parse', 'shipdeck/prod/cart^')).toBe(before);
      const mr = await api.MergeRequests.create(
        project,
        'shipdeck/prod/cart',
        'main',
        'Deploy cart',
        { description: 'cart 1 → 4' },
      );
      expect(mr.sha).toBe(onBranch.id);
      const again = await api.MergeRequests.create(
        project,
        'shipdeck/prod/cart',
        'main',
        'Deploy cart',
      ).catch(e => e);
      expect(failureStatus(again)).toBe(409);
      const [open] = await api.MergeRequests.all({
        projectId: project,
        sourceBranch: 'shipdeck/prod/cart',
        targetBranch: 'main',
        state: 'opened',
        maxPages: 1,
      });
      expect(open.iid).toBe(mr.iid);
      await api.MergeRequests.edit(project, mr.iid, {
        description: 'cart 1 → 5',
      });
      await standIn.approve(project, mr.iid, 'reviewer');
      await standIn.setPipeline(project, mr.iid, 'success');
      const approvals = await api.MergeRequestApprovals.showConfiguration(
        project,
        { mergerequestIId: mr.iid },
      );
      expect(approvals.approved).toBe(true);
      expect(
        (await api.MergeRequests.show(project, mr.iid)).head_pipeline,
      ).toMatchObject({ status: 'success' });
      const merged = await api.MergeRequests.accept(project, mr.iid);
      expect(merged.state).toBe('merged');
      expect(git('rev-parse', 'main')).toBe(merged.merge_commit_sha);
      expect(git('show', 'main:cart/prod.yaml')).toBe('tag: 4');

      await api.Branches.create(project, 'scratch', head);
      await api.Branches.remove(project, 'scratch');

      // GitLab's refusals.
      const forbidden = await reader.Commits.create(project, 'main', 'x', [
        { action: 'create', filePath: 'x', content: 'x' },
      ]).catch(e => e);
      expect(failureStatus(forbidden)).toBe(403);
      expect(
        failureStatus(await api.Branches.show(project, 'nope').catch(e => e)),
      ).toBe(404);
      expect(
        failureStatus(
          await api.Branches.show('shop/nope', 'main').catch(e => e),
        ),
      ).toBe(404);
      expect(
        failureStatus(await api.Tags.show(project, 'v9').catch(e => e)),
      ).toBe(404);
      const noBranch = await api.Commits.create(project, 'release', 'x', [
        { action: 'create', filePath: 'x', content: 'x' },
      ]).catch(e => e);
      expect(failureStatus(noBranch)).toBe(400);
      expect(noBranch.cause.description).toMatch(
        /only create or edit files when you are on a branch/,
      );
      const unauthenticated = await new Gitlab({
        host: url,
        token: 'wrong',
      }).Branches.show(project, 'main').catch(e => e);
      expect(failureStatus(unauthenticated)).toBe(401);

      // Every JSON answer has the shape the contract gives its operation.
      const checked = standIn.calls.filter(c => c.path.startsWith('/api/v4/'));
      expect(checked.length).toBeGreaterThan(15);
      for (const call of checked) {
        const template = matchPathTemplate(contract, call.path);
        expect({ call: `${call.method} ${call.path}`, template }).toEqual({
          call: `${call.method} ${call.path}`,
          template: expect.any(String),
        });
        const schema = responseSchema(
          contract,
          template!,
          call.method,
          call.status!,
        );
        if (call.status === 204) continue;
        expect({
          call: `${call.method} ${call.path} ${call.status}`,
          schema: !!schema,
        }).toEqual({
          call: `${call.method} ${call.path} ${call.status}`,
          schema: true,
        });
        expect({
          call: `${call.method} ${call.path}`,
          violations: validateSchema(contract, schema!, call.body),
        }).toEqual({ call: `${call.method} ${call.path}`, violations: [] });
      }
    } finally {
      await close();
    }
  });

  it('reads many files in one GraphQL query, leaving out paths that are not files', async () => {
    const { dir, head } = await seedBareRepository({
      files: { 'a.yaml': 'a\n', 'b/c.yaml': 'c\n' },
    });
    const standIn = createGitLabStandIn({
      projects: [{ fullPath: project, dir }],
      tokens: { t: 'read' },
    });
    const { url, close } = await standIn.start();
    try {
      const answer = await fetch(`${url}/api/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: 'Bearer t',
        },
        body: JSON.stringify({
          query: `query($p: ID!, $ref: String!, $paths: [String!]!) {
            project(fullPath: $p) { repository { blobs(ref: $ref, paths: $paths) { nodes { path rawTextBlob } } } }
          }`,
          variables: {
            p: project,
            ref: head,
            paths: ['a.yaml', 'b/c.yaml', 'b', 'gone.yaml'],
          },
        }),
      }).then(r => r.json());
      expect(answer).toEqual({
        data: {
          project: {
            repository: {
              blobs: {
                nodes: [
                  { path: 'a.yaml', rawTextBlob: 'a\n' },
                  { path: 'b/c.yaml', rawTextBlob: 'c\n' },
                ],
              },
            },
          },
        },
      });
      const unknownField = await fetch(`${url}/api/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: 'Bearer t',
        },
        body: JSON.stringify({ query: '{ project(fullPath: "x") { nope } }' }),
      }).then(r => r.json());
      expect(unknownField.errors[0].message).toMatch(
        /Cannot query field "nope"/,
      );
    } finally {
      await close();
    }
  });
});
