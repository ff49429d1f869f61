import { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import { gitopsApiRef } from '../api';
import { errorMessage } from '../components/format';
import {
  EnvironmentPickerUiOptions,
  EnvironmentPickerValue,
  offeredEnvironments,
  selectedNames,
} from './schema';

/**
 * Checks the picked environments against the configured ones, as narrowed by
 * the field's `ui:options`: an unknown name (a stale template default, an
 * edited query string) is an error, and so is an empty list.
 */
export const validateEnvironments: CustomFieldValidator<
  EnvironmentPickerValue,
  EnvironmentPickerUiOptions
> = async (value, validation, context) => {
  if (Array.isArray(value) && value.length === 0) {
    validation.addError('Select at least one environment');
    return;
  }
  const names = selectedNames(value);
  if (names.length === 0) {
    // Nothing picked: `required` in the template decides.
    return;
  }
  const api = context.apiHolder.get(gitopsApiRef);
  if (!api) {
    validation.addError(
      'Cannot check the environments: the Shipdeck (gitops) API is not installed',
    );
    return;
  }
  let offered: string[];
  try {
    const configured = await api.getConfiguredEnvironments();
    offered = offeredEnvironments(
      configured,
      context.uiSchema?.['ui:options'],
    ).map(environment => environment.name);
  } catch (error) {
    validation.addError(
      `Cannot check the environments: ${errorMessage(error)}`,
    );
    return;
  }
  for (const name of names.filter(n => !offered.includes(n))) {
    validation.addError(
      `Unknown environment "${name}"; choose from ${
        offered.join(', ') || 'none (no environment is offered here)'
      }`,
    );
  }
};
