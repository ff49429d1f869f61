import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import {
  ScaffolderFieldExtensions,
  useCustomFieldExtensions,
} from '@backstage/plugin-scaffolder-react';
import { GitopsEnvironmentPickerFieldExtension } from '../index';
import { EnvironmentPicker } from './EnvironmentPicker';
import { validateEnvironments } from './validation';

function FieldNames() {
  const fields = useCustomFieldExtensions(
    <ScaffolderFieldExtensions>
      <GitopsEnvironmentPickerFieldExtension />
    </ScaffolderFieldExtensions>,
  );
  return (
    <ul>
      {fields.map(field => (
        <li key={field.name}>
          {field.name}
          {field.component === EnvironmentPicker && ', EnvironmentPicker'}
          {field.validation === validateEnvironments && ', validated'}
          {field.schema?.uiOptions && ', ui:options schema'}
        </li>
      ))}
    </ul>
  );
}

describe('GitopsEnvironmentPickerFieldExtension (legacy export)', () => {
  it('registers the GitopsEnvironmentPicker field inside <ScaffolderFieldExtensions>', async () => {
    await renderInTestApp(<FieldNames />);
    expect(screen.getByRole('listitem')).toHaveTextContent(
      'GitopsEnvironmentPicker, EnvironmentPicker, validated, ui:options schema',
    );
  });
});
