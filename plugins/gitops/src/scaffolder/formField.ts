import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { EnvironmentPicker } from './EnvironmentPicker';
import {
  ENVIRONMENT_PICKER_FIELD,
  EnvironmentPickerFieldSchema,
} from './schema';
import { validateEnvironments } from './validation';

/** The `GitopsEnvironmentPicker` field for the new frontend system. */
export const environmentPickerField = createFormField({
  name: ENVIRONMENT_PICKER_FIELD,
  component: EnvironmentPicker,
  validation: validateEnvironments,
  schema: EnvironmentPickerFieldSchema,
});
