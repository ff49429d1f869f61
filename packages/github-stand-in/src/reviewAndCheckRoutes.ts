import express from 'express';
import { ApiError, notFound, validationFailed } from './errors';
import { isoSeconds } from './git';
import {
  CHECK_CONCLUSIONS,
  checkRun,
  CheckRunRecord,
  combinedStatus,
  commitStatus,
  review,
  REVIEW_EVENTS,
  ReviewRecord,
  StatusRecord,
} from './reviewsAndChecks';
import {
  Origins,
  PullRecord,
  repository,
  simpleUser,
  StandInUser,
} from './shapes';
import { StandInRepository } from './StandInRepository';

type Handler = (
  req: express.Request,
  res: express.Response,
  ctx: { repo: StandInRepository; origins: Origins },
) => Promise<void>;

/** What the routes share with the rest of the stand-in's server. */
export interface ReviewAndCheckRouteOptions {
  app: express.Express;
  /** `/repos/:owner/:repo`. */
  R: string;
  route: (handler: Handler) => express.RequestHandler;
  pullNumber: (req: express.Request) => number;
  renderPull: (
    repo: StandInRepository,
    pull: PullRecord,
    origins: Origins,
    detail: boolean,
  ) => Promise<object>;
  /** Answers a GET with an ETag, or 304 when `If-None-Match` matches it. */
  conditional: (
    req: express.Request,
    res: express.Response,
    body: unknown,
  ) => void;
  user: StandInUser;
  /** Delivers a webhook event of the repository. */
  deliver: (
    name: string,
    repo: StandInRepository,
    origins: Origins,
    payload: Record<string, unknown>,
  ) => void;
}

/** Reviews, check runs and statuses per repository; GitHub keeps these in its database. */
interface Activity {
  reviews: ReviewRecord[];
  checkRuns: CheckRunRecord[];
  statuses: StatusRecord[];
  nextId: number;
}

const activities = new WeakMap<StandInRepository, Activity>();

function activityOf(repo: StandInRepository): Activity {
  let activity = activities.get(repo);
  if (!activity) {
    activity = { reviews: [], checkRuns: [], statuses: [], nextId: 1 };
    activities.set(repo, activity);
  }
  return activity;
}

const checkDocs = {
  reviews:
    'https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request',
  checkRuns: 'https://docs.github.com/rest/checks/runs#create-a-check-run',
  statuses:
    'https://docs.github.com/rest/commits/statuses#create-a-commit-status',
};

/**
 * `GET/POST /pulls/{n}/reviews`, `POST /check-runs`, `PATCH
 * /check-runs/{id}`, `GET /commits/{ref}/check-runs`, `POST
 * /statuses/{sha}` and `GET /commits/{ref}/status`, the reads conditional
 * like GitHub's; each write delivers its webhook event
 * (`pull_request_review`, `check_run`, `status`).
 */
export function addReviewAndCheckRoutes(options: ReviewAndCheckRouteOptions) {
  const { app, R, route, pullNumber, renderPull, conditional, user } = options;
  const event = options.deliver;

  app.get(
    `${R}/pulls/:number/reviews`,
    route(async (req, res, { repo, origins }) => {
      const number = pullNumber(req);
      repo.findPull(number);
      conditional(
        req,
        res,
        activityOf(repo)
          .reviews.filter(r => r.pullNumber === number)
          .map(r => review(r, repo.info, user, origins)),
      );
    }),
  );

  // GitHub refuses approving one's own pull request; the stand-in has one
  // user, so it lets tests review as someone else with `X-Stand-In-Login`.
  app.post(
    `${R}/pulls/:number/reviews`,
    route(async (req, res, { repo, origins }) => {
      const body = req.body ?? {};
      const pull = repo.findPull(pullNumber(req));
      const state = REVIEW_EVENTS[body.event];
      // This endpoint's 422 is `validation-error-simple`: errors are strings.
      const unprocessable = (error: string) =>
        new ApiError(422, {
          message: 'Unprocessable Entity',
          errors: [error],
          documentation_url: checkDocs.reviews,
          status: '422',
        });
      if (!state) {
        // GitHub would keep a pending review; the stand-in needs a decision.
        throw unprocessable(`Invalid event: ${JSON.stringify(body.event)}`);
      }
      if (pull.state !== 'open') {
        throw unprocessable('Can not review a closed pull request');
      }
      const activity = activityOf(repo);
      const { headSha } = await repo.pullShas(pull);
      const record: ReviewRecord = {
        id: activity.nextId++,
        pullNumber: pull.number,
        state,
        body: typeof body.body === 'string' ? body.body : '',
        commitId: typeof body.commit_id === 'string' ? body.commit_id : headSha,
        submittedAt: isoSeconds(new Date()),
        login: req.header('x-stand-in-login') ?? user.login,
      };
      activity.reviews.push(record);
      pull.updatedAt = record.submittedAt;
      const rendered = review(record, repo.info, user, origins);
      event('pull_request_review', repo, origins, {
        action: 'submitted',
        review: rendered,
        pull_request: await renderPull(repo, pull, origins, false),
      });
      res.json(rendered);
    }),
  );

  const findRun = (repo: StandInRepository, id: string) => {
    const run = activityOf(repo).checkRuns.find(r => String(r.id) === id);
    if (!run) throw notFound(checkDocs.checkRuns);
    return run;
  };

  /** Applies `status` and `conclusion` as GitHub does: a conclusion completes the run. */
  const applyRunState = (run: CheckRunRecord, body: Record<string, any>) => {
    if (
      body.conclusion !== undefined &&
      !CHECK_CONCLUSIONS.includes(body.conclusion)
    ) {
      throw validationFailed(
        [{ resource: 'CheckRun', field: 'conclusion', code: 'invalid' }],
        checkDocs.checkRuns,
      );
    }
    if (
      body.status !== undefined &&
      !['queued', 'in_progress', 'completed'].includes(body.status)
    ) {
      throw validationFailed(
        [{ resource: 'CheckRun', field: 'status', code: 'invalid' }],
        checkDocs.checkRuns,
      );
    }
    if (body.status) run.status = body.status;
    if (body.conclusion) {
      run.status = 'completed';
      run.conclusion = body.conclusion;
    }
    if (run.status === 'completed' && !run.conclusion) {
      throw validationFailed(
        [{ resource: 'CheckRun', field: 'conclusion', code: 'missing_field' }],
        checkDocs.checkRuns,
      );
    }
    run.completedAt =
      run.status === 'completed' ? isoSeconds(new Date()) : null;
  };

  app.post(
    `${R}/check-runs`,
    route(async (req, res, { repo, origins }) => {
      const body = req.body ?? {};
      for (const field of ['name', 'head_sha']) {
        if (typeof body[field] !== 'string' || !body[field]) {
          throw validationFailed(
            [{ resource: 'CheckRun', field, code: 'missing_field' }],
            checkDocs.checkRuns,
          );
        }
      }
      const headSha = await repo.resolveCommitish(body.head_sha);
      const activity = activityOf(repo);
      const run: CheckRunRecord = {
        id: activity.nextId++,
        headSha,
        name: body.name,
        status: 'queued',
        conclusion: null,
        startedAt: isoSeconds(new Date()),
        completedAt: null,
      };
      applyRunState(run, body);
      activity.checkRuns.push(run);
      const rendered = checkRun(run, repo.info, origins);
      event('check_run', repo, origins, {
        action: run.status === 'completed' ? 'completed' : 'created',
        check_run: rendered,
      });
      res.status(201).json(rendered);
    }),
  );

  app.patch(
    `${R}/check-runs/:id`,
    route(async (req, res, { repo, origins }) => {
      const run = findRun(repo, req.params.id);
      const next = { ...run };
      applyRunState(next, req.body ?? {});
      Object.assign(run, next);
      const rendered = checkRun(run, repo.info, origins);
      event('check_run', repo, origins, {
        action: run.status === 'completed' ? 'completed' : 'created',
        check_run: rendered,
      });
      res.json(rendered);
    }),
  );

  app.get(
    `${R}/commits/:ref/check-runs`,
    route(async (req, res, { repo, origins }) => {
      const sha = await repo.resolveCommitish(req.params.ref);
      const runs = activityOf(repo)
        .checkRuns.filter(r => r.headSha === sha)
        .reverse();
      conditional(req, res, {
        total_count: runs.length,
        check_runs: runs.map(r => checkRun(r, repo.info, origins)),
      });
    }),
  );

  app.post(
    `${R}/statuses/:sha`,
    route(async (req, res, { repo, origins }) => {
      const body = req.body ?? {};
      if (!['error', 'failure', 'pending', 'success'].includes(body.state)) {
        throw validationFailed(
          [{ resource: 'Status', field: 'state', code: 'custom' }],
          checkDocs.statuses,
        );
      }
      const sha = await repo.resolveCommitish(req.params.sha);
      const activity = activityOf(repo);
      const status: StatusRecord = {
        id: activity.nextId++,
        sha,
        state: body.state,
        context: typeof body.context === 'string' ? body.context : 'default',
        description:
          typeof body.description === 'string' ? body.description : null,
        targetUrl: typeof body.target_url === 'string' ? body.target_url : null,
        createdAt: isoSeconds(new Date()),
      };
      activity.statuses.push(status);
      const rendered = {
        ...commitStatus(status, repo.info, user, origins),
        creator: simpleUser(user, origins),
      };
      event('status', repo, origins, {
        id: status.id,
        sha,
        name: `${repo.info.owner}/${repo.info.repo}`,
        state: status.state,
        context: status.context,
        description: status.description,
        target_url: status.targetUrl,
      });
      res.status(201).json(rendered);
    }),
  );

  app.get(
    `${R}/commits/:ref/status`,
    route(async (req, res, { repo, origins }) => {
      const sha = await repo.resolveCommitish(req.params.ref);
      conditional(
        req,
        res,
        combinedStatus(
          sha,
          activityOf(repo).statuses.filter(s => s.sha === sha),
          repo.info,
          user,
          origins,
          repository(repo.info, user, origins),
        ),
      );
    }),
  );
}
