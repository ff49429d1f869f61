import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import { PullRequestStore } from '../database/PullRequestStore';
import { PullRequestTracker } from './PullRequestTracker';

/**
 * Has the tracker look at once at the pull (or merge) requests a webhook
 * event may have changed: those it names, and those whose head is the
 * commit it names. The tracker reads their state from the host itself, so
 * an event only says where to look; other events change nothing.
 */
export async function subscribeToPullRequestEvents(options: {
  /** Subscriber id, unique per host. */
  id: string;
  /** For the log, e.g. `GitHub webhook`. */
  source: string;
  events: EventsService;
  topic: string;
  tracker: PullRequestTracker;
  pullRequests: PullRequestStore;
  logger: LoggerService;
  repositoryOf: (payload: unknown) => string | undefined;
  numbersOf: (payload: unknown) => { numbers: number[]; headSha?: string };
}) {
  await options.events.subscribe({
    id: options.id,
    topics: [options.topic],
    onEvent: async ({ eventPayload }) => {
      const repository = options.repositoryOf(eventPayload);
      if (!repository) return;
      const { numbers, headSha } = options.numbersOf(eventPayload);
      const byHead = headSha
        ? await options.pullRequests.numbersWithHead(repository, headSha)
        : [];
      const wanted = [...new Set([...numbers, ...byHead])];
      if (wanted.length) {
        options.logger.debug(
          `${options.source}: looking at ${wanted.join(', ')} of ${repository}`,
        );
        await options.tracker.lookAt(repository, wanted);
      }
    },
  });
}
