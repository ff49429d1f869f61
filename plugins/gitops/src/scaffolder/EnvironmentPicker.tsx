import { useEffect, useRef } from 'react';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ScaffolderField } from '@backstage/plugin-scaffolder-react/alpha';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormGroup from '@material-ui/core/FormGroup';
import FormLabel from '@material-ui/core/FormLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  ChangeRequestTerms,
  Environment,
} from '@shipdeck/plugin-gitops-common';
import { gitopsApiRef } from '../api';
import {
  EnvironmentFlags,
  environmentFlags,
} from '../components/EnvironmentFlags';
import { LoadFailed } from '../components/LoadFailed';
import { useChangeRequestTerms } from '../components/useChangeRequestTerms';
import {
  EnvironmentPickerProps,
  offeredEnvironments,
  selectedNames,
} from './schema';

const useStyles = makeStyles(theme => ({
  option: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    padding: theme.spacing(0.5, 0),
  },
  options: { margin: theme.spacing(1, 0) },
}));

/** An option: a configured environment, or a value that is not one. */
type Option = { name: string; environment?: Environment };

const NOT_CONFIGURED = 'not a configured environment';

/**
 * The option as one phrase, e.g. "Production (production): pull request,
 * protected" ("merge request" when the manifest repository is on GitLab).
 */
function describeOption(
  { name, environment }: Option,
  terms: ChangeRequestTerms,
): string {
  if (!environment) return `${name}: ${NOT_CONFIGURED}`;
  const title =
    environment.title === name ? name : `${environment.title} (${name})`;
  const flags = environmentFlags(environment, terms).map(flag => flag.label);
  return `${title}: ${flags.join(', ')}`;
}

function OptionLabel(props: { option: Option }) {
  const { name, environment } = props.option;
  const classes = useStyles();
  return (
    <span className={classes.option}>
      <Typography component="span">{environment?.title ?? name}</Typography>
      {environment && environment.title !== name && (
        <Typography component="span" variant="caption" color="textSecondary">
          {name}
        </Typography>
      )}
      {environment ? (
        <EnvironmentFlags environment={environment} />
      ) : (
        <Typography component="span" variant="caption" color="error">
          {NOT_CONFIGURED}
        </Typography>
      )}
    </span>
  );
}

/**
 * The `GitopsEnvironmentPicker` scaffolder field: Shipdeck's configured
 * environments, in promotion order, each with how changes land there. A
 * `type: array` field gets checkboxes and starts with every offered
 * environment; a `type: string` field gets one choice and starts with the
 * first. `ui:options.allowedEnvironments` and `excludeProtected` narrow what
 * is offered.
 */
export function EnvironmentPicker(props: EnvironmentPickerProps) {
  const {
    schema,
    uiSchema,
    idSchema,
    formData,
    onChange,
    required,
    disabled,
    readonly,
    rawErrors,
    errors,
  } = props;
  const classes = useStyles();
  const api = useApi(gitopsApiRef);
  const terms = useChangeRequestTerms();
  const configured = useAsyncRetry(
    () => api.getConfiguredEnvironments(),
    [api],
  );
  const multiple = schema.type === 'array';
  const uiOptions = uiSchema?.['ui:options'];
  const offered =
    configured.value && offeredEnvironments(configured.value, uiOptions);
  const selected = selectedNames(formData);

  // Once the environments are known, fill an empty field with the default:
  // every offered environment, or the first one for a single choice. Only
  // once, so that a user who clears the field is not overruled.
  const defaulted = useRef(false);
  useEffect(() => {
    if (!offered || defaulted.current) return;
    defaulted.current = true;
    if (selected.length === 0 && offered.length > 0) {
      onChange(multiple ? offered.map(e => e.name) : offered[0].name);
    }
  }, [offered, selected.length, multiple, onChange]);

  const title = schema.title ?? (multiple ? 'Environments' : 'Environment');
  const id = idSchema?.$id ?? 'gitops-environment-picker';
  const labelId = `${id}-label`;
  const isDisabled = Boolean(disabled || readonly || uiSchema?.['ui:disabled']);

  let content: JSX.Element;
  if (configured.error) {
    content = (
      <LoadFailed
        title="Could not load Shipdeck's environments"
        error={configured.error}
        onRetry={configured.retry}
        dense
      />
    );
  } else if (!offered) {
    content = <Progress />;
  } else {
    // Offered environments first, in promotion order, then any selected value
    // that is not one of them, so that it shows and can be cleared.
    const options: Option[] = [
      ...offered.map(environment => ({ name: environment.name, environment })),
      ...selected
        .filter(name => !offered.some(e => e.name === name))
        .map(name => ({ name })),
    ];
    const ordered = (names: string[]) =>
      options.map(o => o.name).filter(name => names.includes(name));
    if (options.length === 0) {
      content = (
        <Typography variant="body2" color="textSecondary">
          No environment to choose from: Shipdeck has none configured
          {uiOptions?.allowedEnvironments || uiOptions?.excludeProtected
            ? ' that this field allows'
            : ''}
          .
        </Typography>
      );
    } else if (multiple) {
      content = (
        <FormGroup
          role="group"
          aria-labelledby={labelId}
          className={classes.options}
        >
          {options.map(option => (
            <FormControlLabel
              key={option.name}
              disabled={isDisabled}
              control={
                <Checkbox
                  name={option.name}
                  inputProps={{ 'aria-label': describeOption(option, terms) }}
                  checked={selected.includes(option.name)}
                  onChange={(_event, checked) =>
                    onChange(
                      ordered(
                        checked
                          ? [...selected, option.name]
                          : selected.filter(name => name !== option.name),
                      ),
                    )
                  }
                />
              }
              label={<OptionLabel option={option} />}
            />
          ))}
        </FormGroup>
      );
    } else {
      content = (
        <RadioGroup
          aria-labelledby={labelId}
          name={id}
          value={selected[0] ?? ''}
          onChange={(_event, value) => onChange(value)}
          className={classes.options}
        >
          {options.map(option => (
            <FormControlLabel
              key={option.name}
              value={option.name}
              disabled={isDisabled}
              control={
                <Radio
                  inputProps={{ 'aria-label': describeOption(option, terms) }}
                />
              }
              label={<OptionLabel option={option} />}
            />
          ))}
        </RadioGroup>
      );
    }
  }

  return (
    <ScaffolderField
      rawErrors={rawErrors}
      rawDescription={uiSchema?.['ui:description'] ?? schema.description}
      required={required}
      disabled={isDisabled}
      errors={errors}
    >
      <FormLabel id={labelId} component="legend">
        {title}
      </FormLabel>
      {content}
    </ScaffolderField>
  );
}
