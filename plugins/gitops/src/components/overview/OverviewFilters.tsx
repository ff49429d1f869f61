import { ChangeEvent } from 'react';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import { OverviewFilter } from '@shipdeck/plugin-gitops-common';
import { FilterParam, hasActiveFilters } from './useOverviewFilters';
import { displayRef } from './links';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1.5),
    marginBottom: theme.spacing(2),
  },
  select: {
    minWidth: 150,
  },
}));

/** The "changed in the last…" choices, in hours. */
export const CHANGED_WITHIN_CHOICES: Array<{ hours: number; label: string }> = [
  { hours: 1, label: 'In the last hour' },
  { hours: 6, label: 'In the last 6 hours' },
  { hours: 24, label: 'In the last 24 hours' },
  { hours: 168, label: 'In the last 7 days' },
];

export interface FilterOptions {
  owners: string[];
  systems: string[];
  environments: string[];
}

function FilterSelect(props: {
  id: string;
  label: string;
  value: string;
  allLabel: string;
  options: Array<{ value: string; label: string }>;
  onChange: (value: string | undefined) => void;
}) {
  const { id, label, value, allLabel, options, onChange } = props;
  const classes = useStyles();
  return (
    <TextField
      id={id}
      select
      label={label}
      value={value}
      variant="outlined"
      size="small"
      className={classes.select}
      SelectProps={{ native: true }}
      InputLabelProps={{ shrink: true }}
      onChange={(event: ChangeEvent<HTMLInputElement>) =>
        onChange(event.target.value || undefined)
      }
    >
      <option value="">{allLabel}</option>
      {options.map(option => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </TextField>
  );
}

/** Owner, system, environment, status and "changed in the last…" selects. */
export function OverviewFilters(props: {
  filter: OverviewFilter;
  options: FilterOptions;
  onChange: (key: FilterParam, value: string | undefined) => void;
  onClear: () => void;
}) {
  const { filter, options, onChange, onClear } = props;
  const classes = useStyles();
  const changedChoices = CHANGED_WITHIN_CHOICES.some(
    c => c.hours === filter.changedWithinHours,
  )
    ? CHANGED_WITHIN_CHOICES
    : [
        ...CHANGED_WITHIN_CHOICES,
        ...(filter.changedWithinHours
          ? [
              {
                hours: filter.changedWithinHours,
                label: `In the last ${filter.changedWithinHours} hours`,
              },
            ]
          : []),
      ].sort((a, b) => a.hours - b.hours);

  return (
    <form
      className={classes.root}
      aria-label="Filters"
      onSubmit={event => event.preventDefault()}
    >
      <FilterSelect
        id="gitops-overview-owner"
        label="Owner"
        allLabel="All owners"
        value={filter.owner ?? ''}
        options={options.owners.map(owner => ({
          value: owner,
          label: displayRef(owner, 'group'),
        }))}
        onChange={value => onChange('owner', value)}
      />
      <FilterSelect
        id="gitops-overview-system"
        label="System"
        allLabel="All systems"
        value={filter.system ?? ''}
        options={options.systems.map(system => ({
          value: system,
          label: displayRef(system, 'system'),
        }))}
        onChange={value => onChange('system', value)}
      />
      <FilterSelect
        id="gitops-overview-environment"
        label="Environment"
        allLabel="All environments"
        value={filter.environment ?? ''}
        options={options.environments.map(name => ({
          value: name,
          label: name,
        }))}
        onChange={value => onChange('environment', value)}
      />
      <FilterSelect
        id="gitops-overview-status"
        label="Status"
        allLabel="All"
        value={filter.status ?? ''}
        options={[
          { value: 'problems', label: 'Problems only' },
          { value: 'healthy', label: 'Healthy only' },
          { value: 'behind', label: 'Behind where it promotes from' },
          { value: 'drifted', label: 'Drifted (out of sync, not by Shipdeck)' },
        ]}
        onChange={value => onChange('status', value)}
      />
      <FilterSelect
        id="gitops-overview-changed"
        label="Changed"
        allLabel="Any time"
        value={
          filter.changedWithinHours ? String(filter.changedWithinHours) : ''
        }
        options={changedChoices.map(choice => ({
          value: String(choice.hours),
          label: choice.label,
        }))}
        onChange={value => onChange('changedWithinHours', value)}
      />
      {hasActiveFilters(filter) && (
        <Button variant="text" color="primary" onClick={onClear}>
          Clear filters
        </Button>
      )}
    </form>
  );
}
