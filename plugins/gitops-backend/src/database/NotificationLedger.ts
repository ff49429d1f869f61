import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

/**
 * What Shipdeck has notified owners about, one entry per incident, shared by
 * every backend replica: whoever claims an incident first sends it.
 */
export interface NotificationLedger {
  /**
   * Records the incident; true when this call recorded it (so the caller
   * sends), false when it was already recorded (sent before, or by another
   * replica just now).
   */
  claim(key: string, entityRef: string): Promise<boolean>;
  /** Forgets incidents: they ended, or their notification could not be sent. */
  release(keys: string[]): Promise<void>;
  /** The recorded incidents whose key starts with `prefix`. */
  listKeys(prefix: string): Promise<string[]>;
}

interface SentRow {
  key: string;
  entity_ref: string;
  sent_at: Date;
}

/** The ledger in `gitops_notifications_sent` (migrated with the plugin's other tables). */
export class DatabaseNotificationLedger implements NotificationLedger {
  static async create(options: { database: DatabaseService }) {
    return new DatabaseNotificationLedger(await options.database.getClient());
  }

  private constructor(private readonly knex: Knex) {}

  async claim(key: string, entityRef: string): Promise<boolean> {
    // The key is the primary key: of two replicas inserting it, one wins.
    const inserted = await this.knex<SentRow>('gitops_notifications_sent')
      .insert({ key, entity_ref: entityRef, sent_at: new Date() })
      .onConflict('key')
      .ignore()
      .returning('key');
    return inserted.length === 1;
  }

  async release(keys: string[]): Promise<void> {
    if (!keys.length) return;
    await this.knex('gitops_notifications_sent').whereIn('key', keys).delete();
  }

  async listKeys(prefix: string): Promise<string[]> {
    const rows = await this.knex<SentRow>('gitops_notifications_sent')
      // Prefixes are Shipdeck's own constants (`degraded:`), free of wildcards.
      .where('key', 'like', `${prefix}%`)
      .select('key');
    return rows.map(r => r.key);
  }
}
