import { Link } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import LockIcon from '@material-ui/icons/Lock';
import { OverviewCell } from './OverviewCell';
import { displayRef, useEntityLinks } from './links';
import { EnvironmentColumn, ServiceRow } from './matrix';

const useStyles = makeStyles(theme => ({
  // The table scrolls sideways inside its own box, never the page.
  container: {
    maxWidth: '100%',
    overflowX: 'auto',
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    backgroundColor: theme.palette.background.paper,
    '&:focus-visible': {
      outline: `2px solid ${theme.palette.primary.main}`,
      outlineOffset: 2,
    },
  },
  table: {
    borderCollapse: 'separate',
    borderSpacing: 0,
    width: '100%',
    '& th, & td': {
      borderBottom: `1px solid ${theme.palette.divider}`,
      textAlign: 'left',
    },
    '& a:focus-visible': {
      outline: `2px solid ${theme.palette.primary.main}`,
      outlineOffset: 2,
      borderRadius: 2,
    },
  },
  caption: {
    captionSide: 'top',
    textAlign: 'left',
    padding: theme.spacing(1, 1.5),
    color: theme.palette.text.secondary,
    ...theme.typography.body2,
  },
  columnHeader: {
    padding: theme.spacing(1, 1.5),
    whiteSpace: 'nowrap',
    verticalAlign: 'bottom',
    ...theme.typography.subtitle2,
  },
  environmentTitle: {
    display: 'block',
    color: theme.palette.text.secondary,
    fontWeight: theme.typography.fontWeightRegular as number,
  },
  lock: {
    fontSize: '1em',
    verticalAlign: 'text-bottom',
    marginLeft: theme.spacing(0.5),
    color: theme.palette.text.secondary,
  },
  // The service column stays put while the environments scroll.
  sticky: {
    position: 'sticky',
    left: 0,
    zIndex: 1,
    backgroundColor: theme.palette.background.paper,
    borderRight: `1px solid ${theme.palette.divider}`,
  },
  rowHeader: {
    verticalAlign: 'top',
    padding: theme.spacing(1, 1.5),
    minWidth: 160,
    maxWidth: 240,
    fontWeight: theme.typography.fontWeightRegular as number,
  },
  serviceTitle: {
    ...theme.typography.subtitle2,
    overflowWrap: 'anywhere',
  },
  meta: {
    display: 'block',
    overflowWrap: 'anywhere',
  },
  absent: {
    verticalAlign: 'top',
    padding: theme.spacing(1, 1.5),
    color: theme.palette.text.secondary,
  },
}));

/**
 * The on-call matrix: a real table, one row per service and one column per
 * environment, services with problems first.
 */
export function OverviewMatrix(props: {
  services: ServiceRow[];
  columns: EnvironmentColumn[];
  now: number;
  busy?: boolean;
  /** Status or change filters are on: an empty cell may just be filtered out. */
  cellsFiltered?: boolean;
}) {
  const { services, columns, now, busy, cellsFiltered } = props;
  const classes = useStyles();
  const { entityPage, deploymentsTab } = useEntityLinks();

  return (
    <div
      className={classes.container}
      // A scrollable region must be focusable so keyboard users can scroll
      // it sideways (WCAG 2.1.1; axe: scrollable-region-focusable).
      // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
      tabIndex={0}
      role="region"
      aria-label="Services by environment"
    >
      <table className={classes.table} aria-busy={busy || undefined}>
        <caption className={classes.caption}>
          What runs where: version, health and sync of each service in each
          environment. Services with problems come first; select a cell to open
          that service's deployments.
        </caption>
        <thead>
          <tr>
            <th
              scope="col"
              className={`${classes.columnHeader} ${classes.sticky}`}
            >
              Service
            </th>
            {columns.map(column => (
              <th
                scope="col"
                key={column.name}
                className={classes.columnHeader}
              >
                {column.name}
                {column.protected && (
                  <LockIcon className={classes.lock} titleAccess="protected" />
                )}
                {column.title &&
                  column.title.toLocaleLowerCase('en-US') !==
                    column.name.toLocaleLowerCase('en-US') && (
                    <span className={classes.environmentTitle}>
                      {column.title}
                    </span>
                  )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {services.map(service => (
            <tr key={service.entityRef}>
              <th
                scope="row"
                className={`${classes.rowHeader} ${classes.sticky}`}
              >
                <Link
                  to={entityPage(service.entityRef)}
                  className={classes.serviceTitle}
                >
                  {service.title}
                </Link>
                {service.owner && (
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    className={classes.meta}
                  >
                    Owner: {displayRef(service.owner, 'group')}
                  </Typography>
                )}
                {service.system && (
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    className={classes.meta}
                  >
                    System: {displayRef(service.system, 'system')}
                  </Typography>
                )}
              </th>
              {columns.map(column => {
                const row = service.cells.get(column.name);
                return row ? (
                  <OverviewCell
                    key={column.name}
                    row={row}
                    column={column}
                    deploymentsHref={deploymentsTab(service.entityRef)}
                    now={now}
                  />
                ) : (
                  <td
                    key={column.name}
                    className={classes.absent}
                    title={
                      cellsFiltered
                        ? 'Hidden by the filters'
                        : 'Not deployed here'
                    }
                  >
                    <span aria-hidden="true">–</span>
                    <Typography variant="srOnly">
                      {cellsFiltered
                        ? `${service.title} in ${column.name} is hidden by the filters`
                        : `${service.title} is not deployed in ${column.name}`}
                    </Typography>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
