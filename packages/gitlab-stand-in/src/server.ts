import { AddressInfo } from 'node:net';
import express from 'express';
import { listTree } from '@shipdeck/github-stand-in';
import { executeGraphql } from './graphql';
import {
  CommitAction,
  CommitRefused,
  MergeRequestRecord,
  StandInProject,
} from './StandInProject';

/** A project the stand-in serves: a bare Git repository on disk. */
export interface GitLabStandInProject {
  /** The full path with nested groups, e.g. `platform/deploy/manifests`. */
  fullPath: string;
  dir: string;
}

/** A webhook of every project, as a group or project webhook on GitLab. */
export interface GitLabStandInWebhook {
  url: string;
  /** Sent as `X-Gitlab-Token`, GitLab's secret token. */
  token?: string;
}

export interface GitLabStandInOptions {
  projects: GitLabStandInProject[];
  /**
   * Personal access tokens and what they may do: `write` (Developer, scope
   * `api`) or `read` (Reporter: reads, and a 403 on every write). Requests
   * without a known token get GitLab's 401.
   */
  tokens: Record<string, 'read' | 'write'>;
  /** The web origin in `web_url`s. Default `https://gitlab.example.com`. */
  webBaseUrl?: string;
  /**
   * Merge request events go here after the request that caused them (read
   * at each delivery, so hooks can be added once the receiver listens).
   */
  webhooks?: GitLabStandInWebhook[];
  /** Keep each JSON answer's body in {@link GitLabStandInCall.body} (contract tests). */
  recordBodies?: boolean;
}

/** One request the stand-in received. */
export interface GitLabStandInCall {
  method: string;
  /** The path as requested (still URL-encoded), without the query string. */
  path: string;
  status?: number;
  /** The JSON answer, with `recordBodies`. */
  body?: unknown;
}

export interface GitLabStandIn {
  app: express.Express;
  start(options?: {
    port?: number;
  }): Promise<{ url: string; close(): Promise<void> }>;
  calls: GitLabStandInCall[];
  resetCalls(): void;
  /** By full path. */
  projects: Map<string, StandInProject>;
  /** Webhook deliveries in flight; await before asserting on their effect. */
  settled(): Promise<void>;
  /** What a reviewer or CI does on GitLab, for tests. */
  approve(fullPath: string, iid: number, username: string): Promise<void>;
  setPipeline(fullPath: string, iid: number, status: string): Promise<void>;
  merge(fullPath: string, iid: number): Promise<string>;
  close(fullPath: string, iid: number): Promise<void>;
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const message = (status: number, text: string): Answer => ({
  status,
  body: { message: text },
});

/**
 * A stand-in for the part of GitLab's API Shipdeck calls (REST v4
 * branches, tags, files, tree, commits, merge requests and approvals;
 * GraphQL `Repository.blobs`) over bare Git repositories, with GitLab's
 * status codes and messages for what goes wrong.
 */
export function createGitLabStandIn(
  options: GitLabStandInOptions,
): GitLabStandIn {
  const webBaseUrl = (
    options.webBaseUrl ?? 'https://gitlab.example.com'
  ).replace(/\/+$/, '');
  const projects = new Map<string, StandInProject>();
  options.projects.forEach((p, i) =>
    projects.set(p.fullPath, new StandInProject(i + 1, p.fullPath, p.dir)),
  );
  const calls: GitLabStandInCall[] = [];
  const pending = new Set<Promise<unknown>>();

  const webUrl = (project: StandInProject) =>
    `${webBaseUrl}/${project.fullPath}`;

  const mergeRequestJson = (
    project: StandInProject,
    mr: MergeRequestRecord,
  ) => ({
    id: project.id * 1000 + mr.iid,
    iid: mr.iid,
    project_id: project.id,
    title: mr.title,
    description: mr.description,
    state: mr.state,
    source_branch: mr.sourceBranch,
    target_branch: mr.targetBranch,
    source_project_id: project.id,
    target_project_id: project.id,
    sha: mr.sha ?? null,
    merge_commit_sha: mr.mergeCommitSha ?? null,
    squash_commit_sha: null,
    draft: false,
    detailed_merge_status: mr.state === 'opened' ? 'mergeable' : 'not_open',
    head_pipeline: mr.pipelineStatus
      ? {
          id: mr.iid,
          sha: mr.sha,
          ref: mr.sourceBranch,
          status: mr.pipelineStatus,
          web_url: `${webUrl(project)}/-/pipelines/${mr.iid}`,
        }
      : null,
    web_url: `${webUrl(project)}/-/merge_requests/${mr.iid}`,
    created_at: mr.createdAt,
    updated_at: mr.updatedAt,
  });

  const deliver = (
    project: StandInProject,
    mr: MergeRequestRecord,
    action: string,
  ) => {
    for (const hook of options.webhooks ?? []) {
      const sent = fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-gitlab-event': 'Merge Request Hook',
          ...(hook.token ? { 'x-gitlab-token': hook.token } : {}),
        },
        body: JSON.stringify({
          object_kind: 'merge_request',
          event_type: 'merge_request',
          project: {
            id: project.id,
            path_with_namespace: project.fullPath,
            web_url: webUrl(project),
          },
          object_attributes: {
            ...mergeRequestJson(project, mr),
            action,
            url: `${webUrl(project)}/-/merge_requests/${mr.iid}`,
            last_commit: mr.sha ? { id: mr.sha } : undefined,
          },
        }),
      }).catch(() => undefined);
      pending.add(sent);
      sent.finally(() => pending.delete(sent));
    }
  };

  const findMergeRequest = (project: StandInProject, iid: number) =>
    project.mergeRequests.find(m => m.iid === iid);

  const app = express();
  app.use(express.json({ limit: '50mb' }));
  app.use((req, res, next) => {
    const call: GitLabStandInCall = {
      method: req.method,
      path: req.originalUrl.replace(/\?.*/, ''),
    };
    calls.push(call);
    res.on('finish', () => {
      call.status = res.statusCode;
    });
    if (options.recordBodies) {
      const json = res.json.bind(res);
      res.json = (body: unknown) => {
        call.body = body;
        return json(body);
      };
    }
    const token =
      req.header('private-token') ??
      req.header('authorization')?.replace(/^Bearer\s+/i, '');
    const access = token ? options.tokens[token] : undefined;
    if (!access) {
      res.status(401).json({ message: '401 Unauthorized' });
      return;
    }
    res.locals.access = access;
    next();
  });

  /** A REST handler: the project from `:id`, then GitLab's answer. */
  const route =
    (
      handler: (
        project: StandInProject,
        req: express.Request,
      ) => Promise<Answer>,
      access: 'read' | 'write' = 'read',
    ) =>
    async (req: express.Request, res: express.Response) => {
      const project = projects.get(req.params.id);
      if (!project) {
        res.status(404).json({ message: '404 Project Not Found' });
        return;
      }
      if (access === 'write' && res.locals.access !== 'write') {
        res.status(403).json({
          message: req.path.endsWith('/repository/commits')
            ? 'You are not allowed to push into this branch'
            : '403 Forbidden',
        });
        return;
      }
      try {
        const answer = await handler(project, req);
        res.set(answer.headers ?? {});
        if (answer.body === undefined) {
          res.status(answer.status).end();
        } else if (typeof answer.body === 'string') {
          res.status(answer.status).type('text/plain').send(answer.body);
        } else {
          res.status(answer.status).json(answer.body);
        }
      } catch (error) {
        if (error instanceof CommitRefused) {
          res.status(400).json({ message: error.message });
          return;
        }
        res.status(500).json({ message: String(error) });
      }
    };

  const v4 = '/api/v4/projects/:id';

  app.get(
    v4,
    route(async project => ({
      status: 200,
      body: {
        id: project.id,
        path_with_namespace: project.fullPath,
        default_branch: 'main',
        web_url: webUrl(project),
      },
    })),
  );

  app.get(
    `${v4}/repository/branches/:branch`,
    route(async (project, req) => {
      const sha = await project.branchHead(req.params.branch);
      if (!sha) return message(404, '404 Branch Not Found');
      return {
        status: 200,
        body: {
          name: req.params.branch,
          commit: { id: sha, short_id: sha.slice(0, 8) },
          merged: false,
          protected: req.params.branch === 'main',
          web_url: `${webUrl(project)}/-/tree/${req.params.branch}`,
        },
      };
    }),
  );

  app.post(
    `${v4}/repository/branches`,
    route(async (project, req) => {
      const branch = String(req.query.branch ?? req.body?.branch ?? '');
      const ref = String(req.query.ref ?? req.body?.ref ?? '');
      const sha = await project.resolve(ref);
      if (!sha) return message(400, 'Invalid reference name');
      return project.serialise(async () => {
        if (await project.branchHead(branch)) {
          return message(400, 'Branch already exists');
        }
        await project.git(
          'update-ref',
          `refs/heads/${branch}`,
          sha,
          '0'.repeat(40),
        );
        return {
          status: 201,
          body: {
            name: branch,
            commit: { id: sha },
            merged: false,
            protected: false,
          },
        };
      });
    }, 'write'),
  );

  app.delete(
    `${v4}/repository/branches/:branch`,
    route(async (project, req) => {
      const { branch } = req.params;
      if (!(await project.branchHead(branch))) {
        return message(404, '404 Branch Not Found');
      }
      await project.serialise(() =>
        project.git('update-ref', '-d', `refs/heads/${branch}`),
      );
      return { status: 204 };
    }, 'write'),
  );

  app.get(
    `${v4}/repository/tags/:tag`,
    route(async (project, req) => {
      const sha = await project.tagCommit(req.params.tag);
      if (!sha) return message(404, '404 Tag Not Found');
      return {
        status: 200,
        body: { name: req.params.tag, target: sha, commit: { id: sha } },
      };
    }),
  );

  app.get(
    `${v4}/repository/files/:path/raw`,
    route(async (project, req) => {
      const commit = await project.resolve(String(req.query.ref ?? 'HEAD'));
      const text = commit && (await project.text(commit, req.params.path));
      if (text === undefined || !commit)
        return message(404, '404 File Not Found');
      return { status: 200, body: text };
    }),
  );

  app.get(
    `${v4}/repository/tree`,
    route(async (project, req) => {
      const commit = await project.resolve(String(req.query.ref ?? 'HEAD'));
      if (!commit) return message(404, '404 Tree Not Found');
      const folder = String(req.query.path ?? '').replace(/\/+$/, '');
      const recursive = req.query.recursive === 'true';
      const entries = await listTree(
        project.dir,
        folder ? `${commit}:${folder}` : commit,
        undefined,
        { recursive },
      ).catch(() => undefined);
      if (!entries) return message(404, '404 Tree Not Found');
      const perPage = Math.min(Number(req.query.per_page ?? 20) || 20, 100);
      const page = Math.max(Number(req.query.page ?? 1) || 1, 1);
      const all = entries
        .filter(e => e.type !== 'commit')
        .map(e => ({
          id: e.sha,
          name: e.path.split('/').pop(),
          type: e.type,
          path: folder ? `${folder}/${e.path}` : e.path,
          mode: e.mode,
        }));
      const totalPages = Math.max(Math.ceil(all.length / perPage), 1);
      const headers: Record<string, string> = {
        'x-page': String(page),
        'x-per-page': String(perPage),
        'x-total': String(all.length),
        'x-total-pages': String(totalPages),
        'x-next-page': page < totalPages ? String(page + 1) : '',
      };
      if (page < totalPages) {
        const next = new URL(`http://stand-in${req.originalUrl}`);
        next.searchParams.set('page', String(page + 1));
        headers.link = `<${req.protocol}://${req.get('host')}${next.pathname}${
          next.search
        }>; rel="next"`;
      }
      return {
        status: 200,
        headers,
        body: all.slice((page - 1) * perPage, page * perPage),
      };
    }),
  );

  app.post(
    `${v4}/repository/commits`,
    route(async (project, req) => {
      const body = req.body ?? {};
      if (
        !body.branch ||
        !body.commit_message ||
        !Array.isArray(body.actions)
      ) {
        return message(400, 'branch, commit_message, actions are missing');
      }
      const sha = await project.commit({
        branch: body.branch,
        startBranch: body.start_branch,
        startSha: body.start_sha,
        force: body.force === true,
        message: body.commit_message,
        actions: body.actions as CommitAction[],
        author: {
          name: body.author_name ?? 'GitLab stand-in',
          email: body.author_email ?? 'stand-in@gitlab.invalid',
        },
      });
      const [title] = String(body.commit_message).split('\n');
      return {
        status: 201,
        body: {
          id: sha,
          short_id: sha.slice(0, 8),
          title,
          message: body.commit_message,
          author_name: body.author_name ?? 'GitLab stand-in',
          author_email: body.author_email ?? 'stand-in@gitlab.invalid',
          parent_ids: [(await project.git('rev-parse', `${sha}^`)).trim()],
          web_url: `${webUrl(project)}/-/commit/${sha}`,
        },
      };
    }, 'write'),
  );

  app.get(
    `${v4}/merge_requests`,
    route(async (project, req) => {
      const { state, source_branch, target_branch } = req.query;
      const list = project.mergeRequests.filter(
        mr =>
          (!state || state === 'all' || mr.state === state) &&
          (!source_branch || mr.sourceBranch === source_branch) &&
          (!target_branch || mr.targetBranch === target_branch),
      );
      for (const mr of list) await project.refresh(mr);
      return {
        status: 200,
        body: list.reverse().map(mr => mergeRequestJson(project, mr)),
      };
    }),
  );

  app.post(
    `${v4}/merge_requests`,
    route(async (project, req) => {
      const { source_branch, target_branch, title, description } =
        req.body ?? {};
      if (!source_branch || !target_branch || !title) {
        return message(400, 'source_branch, target_branch, title are missing');
      }
      if (!(await project.branchHead(source_branch))) {
        return message(400, 'Source branch does not exist');
      }
      const open = project.mergeRequests.find(
        mr =>
          mr.state === 'opened' &&
          mr.sourceBranch === source_branch &&
          mr.targetBranch === target_branch,
      );
      if (open) {
        return {
          status: 409,
          body: {
            message: [
              `Another open merge request already exists for this source branch: !${open.iid}`,
            ],
          },
        };
      }
      const now = new Date().toISOString();
      const mr: MergeRequestRecord = {
        iid: project.mergeRequests.length + 1,
        title,
        description: description ?? '',
        sourceBranch: source_branch,
        targetBranch: target_branch,
        state: 'opened',
        approvedBy: [],
        createdAt: now,
        updatedAt: now,
      };
      project.mergeRequests.push(await project.refresh(mr));
      deliver(project, mr, 'open');
      return { status: 201, body: mergeRequestJson(project, mr) };
    }, 'write'),
  );

  app.get(
    `${v4}/merge_requests/:iid`,
    route(async (project, req) => {
      const mr = findMergeRequest(project, Number(req.params.iid));
      if (!mr) return message(404, '404 Not found');
      return {
        status: 200,
        body: mergeRequestJson(project, await project.refresh(mr)),
      };
    }),
  );

  app.put(
    `${v4}/merge_requests/:iid`,
    route(async (project, req) => {
      const mr = findMergeRequest(project, Number(req.params.iid));
      if (!mr) return message(404, '404 Not found');
      const { title, description, state_event } = req.body ?? {};
      if (title !== undefined) mr.title = title;
      if (description !== undefined) mr.description = description;
      if (state_event === 'close' && mr.state === 'opened') mr.state = 'closed';
      mr.updatedAt = new Date().toISOString();
      deliver(
        project,
        await project.refresh(mr),
        state_event === 'close' ? 'close' : 'update',
      );
      return { status: 200, body: mergeRequestJson(project, mr) };
    }, 'write'),
  );

  app.get(
    `${v4}/merge_requests/:iid/approvals`,
    route(async (project, req) => {
      const mr = findMergeRequest(project, Number(req.params.iid));
      if (!mr) return message(404, '404 Not found');
      return {
        status: 200,
        body: {
          iid: mr.iid,
          approved: mr.approvedBy.length > 0,
          approvals_required: 1,
          approvals_left: mr.approvedBy.length > 0 ? 0 : 1,
          approved_by: mr.approvedBy.map((username, i) => ({
            user: { id: i + 1, username, name: username },
          })),
        },
      };
    }),
  );

  app.put(
    `${v4}/merge_requests/:iid/merge`,
    route(async (project, req) => {
      const mr = findMergeRequest(project, Number(req.params.iid));
      if (!mr) return message(404, '404 Not found');
      if (mr.state !== 'opened') return message(405, '405 Method Not Allowed');
      const sha = req.body?.sha;
      const head = await project.branchHead(mr.sourceBranch);
      if (sha && sha !== head) {
        return message(409, 'SHA does not match HEAD of source branch');
      }
      await project.merge(mr, 'shipdeck');
      deliver(project, mr, 'merge');
      return { status: 200, body: mergeRequestJson(project, mr) };
    }, 'write'),
  );

  app.post('/api/graphql', async (req, res) => {
    const result = await executeGraphql(projects, req.body ?? {});
    res.status(200).json(result);
  });

  app.use((_req, res) => {
    res.status(404).json({ error: '404 Not Found' });
  });

  const byIid = (fullPath: string, iid: number) => {
    const project = projects.get(fullPath);
    const mr = project && findMergeRequest(project, iid);
    if (!project || !mr) throw new Error(`No merge request ${fullPath}!${iid}`);
    return { project, mr };
  };

  return {
    app,
    calls,
    projects,
    resetCalls: () => {
      calls.length = 0;
    },
    settled: async () => {
      await Promise.all([...pending]);
    },
    async approve(fullPath, iid, username) {
      const { project, mr } = byIid(fullPath, iid);
      mr.approvedBy.push(username);
      deliver(project, await project.refresh(mr), 'approved');
    },
    async setPipeline(fullPath, iid, status) {
      const { project, mr } = byIid(fullPath, iid);
      mr.pipelineStatus = status;
      deliver(project, await project.refresh(mr), 'update');
    },
    async merge(fullPath, iid) {
      const { project, mr } = byIid(fullPath, iid);
      const sha = await project.merge(mr, 'reviewer');
      deliver(project, mr, 'merge');
      return sha;
    },
    async close(fullPath, iid) {
      const { project, mr } = byIid(fullPath, iid);
      await project.refresh(mr);
      mr.state = 'closed';
      deliver(project, mr, 'close');
    },
    start: ({ port } = {}) =>
      new Promise(resolve => {
        const server = app.listen(port ?? 0, '127.0.0.1', () => {
          const { port: bound } = server.address() as AddressInfo;
          resolve({
            url: `http://127.0.0.1:${bound}`,
            close: () =>
              new Promise<void>((done, fail) =>
                server.close(error => (error ? fail(error) : done())),
              ),
          });
        });
      }),
  };
}
