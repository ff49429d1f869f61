import { LoggerService } from '@backstage/backend-plugin-api';
import { SignalsService } from '@backstage/plugin-signals-node';
import { JsonObject } from '@backstage/types';
import {
  DeploymentRecord,
  GITOPS_SIGNAL_CHANNEL,
  GitopsSignal,
} from '@shipdeck/plugin-gitops-common';

/**
 * Tells open pages that a deployment or an Application of an entity changed,
 * so they refetch now instead of at their next poll.
 */
export interface DeploymentNotifier {
  /**
   * Never rejects: a lost signal only delays a page until its next poll, so
   * it must not fail the request or the task that caused it.
   */
  notify(signals: GitopsSignal[]): Promise<void>;
}

/** The signal of a record: identifiers and status only, never the record. */
export function signalOf(record: DeploymentRecord): GitopsSignal {
  return {
    entityRef: record.entityRef,
    environment: record.environment,
    deploymentId: record.id,
    status: record.status,
  };
}

/** For callers that need no signals (tests, tools). */
export const silentNotifier: DeploymentNotifier = {
  notify: async () => {},
};

/**
 * Broadcasts on {@link GITOPS_SIGNAL_CHANNEL}: every viewer gets identifiers,
 * and reads the data itself through the permission-checked API, so a
 * broadcast leaks nothing a viewer may not read.
 */
export class SignalsDeploymentNotifier implements DeploymentNotifier {
  constructor(
    private readonly signals: SignalsService,
    private readonly logger: LoggerService,
  ) {}

  async notify(signals: GitopsSignal[]): Promise<void> {
    // One message per entity and environment is enough for a page to refetch.
    const unique = new Map(
      signals.map(s => [
        `${s.entityRef}|${s.environment ?? ''}|${s.deploymentId ?? ''}|${
          s.status ?? ''
        }`,
        s,
      ]),
    );
    await Promise.all(
      [...unique.values()].map(async signal => {
        try {
          await this.signals.publish({
            recipients: { type: 'broadcast' },
            channel: GITOPS_SIGNAL_CHANNEL,
            message: toJson(signal),
          });
        } catch (error) {
          this.logger.warn(
            `Could not publish ${GITOPS_SIGNAL_CHANNEL} signal for ${signal.entityRef}: ${error}`,
          );
        }
      }),
    );
  }
}

// Signals carry JSON; drop absent fields rather than send undefined.
function toJson(signal: GitopsSignal): JsonObject {
  const message: JsonObject = { entityRef: signal.entityRef };
  if (signal.environment) message.environment = signal.environment;
  if (signal.deploymentId) message.deploymentId = signal.deploymentId;
  if (signal.status) message.status = signal.status;
  return message;
}
