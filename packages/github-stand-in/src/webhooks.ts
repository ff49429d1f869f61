import { createHmac, randomUUID } from 'node:crypto';

/** Where the stand-in delivers webhooks, as a repository webhook on GitHub. */
export interface StandInWebhook {
  /** The payload URL, e.g. Backstage's `/api/events/http/github`. */
  url: string;
  /** Signs each delivery's body with HMAC-SHA256 in `X-Hub-Signature-256`. */
  secret?: string;
}

/** One webhook delivery, as GitHub's "Recent deliveries" lists it. */
export interface WebhookDelivery {
  id: string;
  event: string;
  url: string;
  payload: Record<string, unknown>;
  /** The receiver's status code; absent while in flight or when it failed. */
  status?: number;
  error?: string;
}

/** `sha256=<hex>`, GitHub's `X-Hub-Signature-256` of a body. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Delivers events to the configured webhooks after the request that caused
 * them, as GitHub does (asynchronously, JSON, with `X-GitHub-Event`,
 * `X-GitHub-Delivery` and, with a secret, `X-Hub-Signature-256`).
 */
export class WebhookSender {
  readonly deliveries: WebhookDelivery[] = [];
  readonly #pending = new Set<Promise<void>>();

  readonly #hooks: StandInWebhook[];

  constructor(hooks: StandInWebhook[]) {
    this.#hooks = [...hooks];
  }

  add(hook: StandInWebhook) {
    this.#hooks.push(hook);
  }

  send(event: string, payload: Record<string, unknown>) {
    for (const hook of this.#hooks) {
      const delivery: WebhookDelivery = {
        id: randomUUID(),
        event,
        url: hook.url,
        payload,
      };
      this.deliveries.push(delivery);
      const body = JSON.stringify(payload);
      const sent = fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'GitHub-Hookshot/stand-in',
          'x-github-event': event,
          'x-github-delivery': delivery.id,
          ...(hook.secret
            ? { 'x-hub-signature-256': webhookSignature(hook.secret, body) }
            : {}),
        },
        body,
      }).then(
        async response => {
          delivery.status = response.status;
          await response.arrayBuffer();
        },
        error => {
          delivery.error = String(error);
        },
      );
      this.#pending.add(sent);
      sent.finally(() => this.#pending.delete(sent));
    }
  }

  /** Resolves once every delivery so far has been answered (or failed). */
  async idle(): Promise<void> {
    while (this.#pending.size) {
      await Promise.all([...this.#pending]);
    }
  }
}
