import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  gitops?: {
    /**
     * The environments, in promotion order (e.g. dev, staging, production).
     */
    environments?: Array<{
      /** Short name used in API calls, the UI and Argo CD app names, e.g. `production`. */
      name: string;
      /**
       * What `{env}` becomes in manifest paths and `shipdeck.io/image`, when
       * folders spell the environment differently, e.g. `prod`. Default: the name.
       */
      pathName?: string;
      /** Human title; defaults to the name. */
      title?: string;
      /** Changes land as a pull request rather than a direct commit. Default false. */
      pullRequest?: boolean;
      /** Deploying needs `gitops.deploy.protected`. Default false. */
      protected?: boolean;
      /** Environment promotion copies from; defaults to the previous one in order. */
      promotesFrom?: string;
      /** Argo CD instance that runs this environment; defaults to the first instance. */
      argocdInstance?: string;
      /** Check that the image version exists in its registry before writing; defaults to gitops.verifyImages. */
      verifyImages?: boolean;
    }>;
    /** Check image versions in their registries (OCI distribution API) before writing. Default false. */
    verifyImages?: boolean;
    /** Credentials for image registries; anonymous pulls need none. */
    registries?: Array<{
      host: string;
      /**
       * A bearer token sent as is.
       * @visibility secret
       */
      token?: string;
      /** Basic credentials for the registry's token service. */
      username?: string;
      /** @visibility secret */
      password?: string;
      /** Plain HTTP, for a registry on localhost. */
      insecure?: boolean;
    }>;
    /** Organisation-wide manifest layout; entities override it by annotation. */
    manifests?: {
      /**
       * Manifest repository, e.g. `github.com/acme/deploy`,
       * `gitlab.example.com/platform/deploy/manifests` (a host under
       * `integrations.gitlab`, nested groups allowed) or `local:demo`.
       */
      repo?: string;
      /** Branch Argo CD watches. Default `main`. */
      branch?: string;
      /**
       * Path template with `{env}` (the environment's pathName) and
       * `{service}`. Default `{env}/{service}`. For raw-image, a folder (its
       * YAML files) or a glob (`*`, `?`, `**`) edits several files in one commit.
       */
      path?: string;
      /** `kustomize-images` (default), `helm-values` or `raw-image`. */
      strategy?: 'kustomize-images' | 'helm-values' | 'raw-image';
      /** Strategy-specific key, e.g. `image.tag`. */
      key?: string;
      /** Local manifest repositories by name, for `local:<name>` repos. */
      local?: Array<{
        name: string;
        /** Path of the Git repository on disk, relative to the backend's working directory. */
        path: string;
        /** Folder whose content seeds the repository when it does not exist yet. */
        seedFrom?: string;
      }>;
    };
    argocd?: {
      /** Label whose value names an Application's environment, for `argocd/app-selector`. Default `shipdeck.io/environment`. */
      environmentLabel?: string;
      /** Application name template with `{env}` (the environment's name, not its pathName) and `{service}`. Default `{service}-{env}`. */
      appNameTemplate?: string;
      instances?: Array<{
        name: string;
        /** Base URL of the Argo CD API server. */
        url: string;
        /** Link target for people, when it differs from `url`. */
        webUrl?: string;
        /**
         * Argo CD API token.
         * @visibility secret
         */
        token?: string;
      }>;
    };
    github?: {
      /**
       * Space writes to GitHub at least 1 s apart and back off on rate
       * limits, as GitHub asks of integrations. Default true; turn it off only
       * against a stand-in in tests and benchmarks.
       */
      throttle?: boolean;
      /**
       * Secret of the GitHub webhooks (`pull_request`,
       * `pull_request_review`, `check_run`, `check_suite`, `status`) that
       * tell Shipdeck at once that a pull request was merged, closed,
       * reviewed or checked. With it, the events backend's
       * `POST /api/events/http/<webhookTopic>` takes only deliveries whose
       * `X-Hub-Signature-256` matches and that are about a Shipdeck manifest
       * repository (needs `gitopsGitHubWebhooksModule` in the backend).
       * Without it, the scheduled look alone finds merged pull requests.
       * @visibility secret
       */
      webhookSecret?: string;
      /** The events topic of GitHub's webhooks. Default `github`. */
      webhookTopic?: string;
    };
    gitlab?: {
      /**
       * Secret token of the GitLab webhooks (merge request and pipeline
       * events) that tell Shipdeck at once that a merge request was merged,
       * closed, approved or its pipeline finished. With it, the events
       * backend's `POST /api/events/http/<webhookTopic>` takes only
       * deliveries whose `X-Gitlab-Token` is this token and that are about a
       * Shipdeck manifest repository (needs `gitopsGitLabWebhooksModule` in
       * the backend). Without it, the scheduled look alone finds merged
       * merge requests.
       * @visibility secret
       */
      webhookSecret?: string;
      /** The events topic of GitLab's webhooks. Default `gitlab`. */
      webhookTopic?: string;
    };
    /**
     * Turns a source branch's head commit into a version for "deploy branch X",
     * with `{sha}`, `{sha7}` and `{ref}`. Default `{sha}`.
     */
    sourceVersionTemplate?: string;
    /** Snapshot data older than this is flagged `stale`. Default 120. */
    staleAfterSeconds?: number;
    /** Background polling of Argo CD; defaults to every 30 seconds, global. */
    schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    pullRequests?: {
      /**
       * The look at pull requests Shipdeck waits for (merged or closed
       * outside Shipdeck, review, checks); defaults to every minute, global.
       * Unchanged GitHub pull requests cost 304s, which do not count against
       * the rate limit.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    /**
     * Notifications to an entity's owners through Backstage's notifications
     * backend: a deployment that ended degraded or failed, an Application
     * that went Degraded, a pull request Shipdeck opened that waited too
     * long. One notification per incident, with its severity and a link to
     * the Deployments tab.
     */
    notifications?: {
      /** Default true. */
      enabled?: boolean;
      /** The look that finds incidents; defaults to every minute, global. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * How long a pull request may wait before its owners hear of it, in
       * environments that deploy by pull request. Default 1440 (a day).
       */
      pullRequestWaitMinutes?: number;
      /** Per environment, by name; unset fields keep the defaults. */
      environments?: {
        [name: string]: {
          /** A deployment ended degraded or failed. Default: protected environments. */
          deploymentFailed?: boolean;
          /** The Application went Degraded. Default: protected environments. */
          applicationDegraded?: boolean;
          /** 0 never; default pullRequestWaitMinutes where changes go by pull request. */
          pullRequestWaitMinutes?: number;
        };
      };
    };
  };
}
