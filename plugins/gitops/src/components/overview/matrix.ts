import { Environment, OverviewRow } from '@shipdeck/plugin-gitops-common';
import { isProblem } from './status';

/** One service of the matrix: its row header and one cell per environment. */
export interface ServiceRow {
  entityRef: string;
  title: string;
  owner?: string;
  system?: string;
  cells: Map<string, OverviewRow>;
  problems: number;
}

/** One environment column. */
export interface EnvironmentColumn {
  name: string;
  title?: string;
  order: number;
  protected?: boolean;
  pullRequest?: boolean;
}

/**
 * Groups the backend's rows (service × environment, problems first) into one
 * row per service. Services keep the order in which they first appear, with
 * every service that has a problem ahead of the others, so the backend's
 * worst-first ordering survives the grouping.
 */
export function groupByService(rows: OverviewRow[]): ServiceRow[] {
  const services = new Map<string, ServiceRow>();
  for (const row of rows) {
    let service = services.get(row.entityRef);
    if (!service) {
      service = {
        entityRef: row.entityRef,
        title: row.title,
        owner: row.owner,
        system: row.system,
        cells: new Map(),
        problems: 0,
      };
      services.set(row.entityRef, service);
    }
    service.cells.set(row.environment, row);
    if (isProblem(row)) service.problems++;
  }
  const list = [...services.values()];
  // Array.prototype.sort is stable: ties keep first-appearance order.
  return list.sort((a, b) => Number(b.problems > 0) - Number(a.problems > 0));
}

/**
 * The columns: every configured environment in promotion order, plus any
 * environment only the rows mention; just the filtered one when the view is
 * filtered by environment.
 */
export function environmentColumns(
  rows: OverviewRow[],
  configured: Environment[] | undefined,
  only?: string,
): EnvironmentColumn[] {
  const columns = new Map<string, EnvironmentColumn>();
  for (const env of configured ?? []) {
    columns.set(env.name, {
      name: env.name,
      title: env.title,
      order: env.order,
      protected: env.protected,
      pullRequest: env.pullRequest,
    });
  }
  for (const row of rows) {
    if (!columns.has(row.environment)) {
      columns.set(row.environment, {
        name: row.environment,
        order: row.order,
      });
    }
  }
  return [...columns.values()]
    .filter(column => !only || column.name === only)
    .sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
}
