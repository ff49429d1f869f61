import {
  coreServices,
  createServiceFactory,
  SchedulerService,
} from '@backstage/backend-plugin-api';

/** A scheduler whose tasks run only when the test says so. */
export class HandDrivenScheduler {
  readonly #tasks = new Map<string, () => Promise<void>>();
  async scheduleTask(task: { id: string; fn: () => Promise<void> }) {
    this.#tasks.set(task.id, task.fn);
  }
  async triggerTask(id: string) {
    await this.#tasks.get(id)?.();
  }
  createScheduledTaskRunner() {
    return {
      run: (task: { id: string; fn: () => Promise<void> }) =>
        this.scheduleTask(task),
    };
  }
  async getScheduledTasks() {
    return [];
  }
  async cancelTask() {}

  /** The backend feature that makes this the plugin's scheduler. */
  factory() {
    return createServiceFactory({
      service: coreServices.scheduler,
      deps: {},
      factory: () => this as unknown as SchedulerService,
    });
  }
}
