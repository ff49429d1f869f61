export { EnvironmentPicker } from './EnvironmentPicker';
export {
  ENVIRONMENT_PICKER_FIELD,
  EnvironmentPickerFieldSchema,
} from './schema';
export { validateEnvironments } from './validation';
