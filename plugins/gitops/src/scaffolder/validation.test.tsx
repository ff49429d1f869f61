import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ApiHolder } from '@backstage/core-plugin-api';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  createFieldValidation,
  Stepper,
  StepperProps,
} from '@backstage/plugin-scaffolder-react/alpha';
import { GitopsApi } from '@shipdeck/plugin-gitops-common';
import { gitopsApiRef } from '../api';
import { configuredEnvironments } from '../__testUtils__/fixtures';
import { mockGitopsApi } from '../__testUtils__/mockGitopsApi';
import { EnvironmentPicker } from './EnvironmentPicker';
import { ENVIRONMENT_PICKER_FIELD, EnvironmentPickerUiOptions } from './schema';
import { validateEnvironments } from './validation';

const api = mockGitopsApi({
  getConfiguredEnvironments: async () => configuredEnvironments,
});

async function validate(
  value: unknown,
  options: { uiOptions?: EnvironmentPickerUiOptions; api?: GitopsApi } = {},
): Promise<string[]> {
  const validation = createFieldValidation();
  const apiHolder: ApiHolder = {
    get: (ref =>
      ref.id === gitopsApiRef.id
        ? options.api ?? api
        : undefined) as ApiHolder['get'],
  };
  await validateEnvironments(value as string[], validation, {
    apiHolder,
    formData: {},
    schema: {},
    uiSchema: options.uiOptions ? { 'ui:options': options.uiOptions } : {},
  });
  return validation.__errors ?? [];
}

describe('validateEnvironments', () => {
  it('accepts configured environments, as a list or one name', async () => {
    expect(await validate(['dev', 'production'])).toEqual([]);
    expect(await validate('staging')).toEqual([]);
  });

  it('rejects an unknown environment', async () => {
    expect(await validate(['dev', 'qa'])).toEqual([
      'Unknown environment "qa"; choose from dev, staging, production',
    ]);
    expect(await validate('qa')).toEqual([
      'Unknown environment "qa"; choose from dev, staging, production',
    ]);
  });

  it('rejects an environment the ui:options leave out', async () => {
    expect(
      await validate(['staging', 'production'], {
        uiOptions: {
          allowedEnvironments: ['staging', 'production'],
          excludeProtected: true,
        },
      }),
    ).toEqual(['Unknown environment "production"; choose from staging']);
  });

  it('rejects an empty list, and leaves a missing value to `required`', async () => {
    expect(await validate([])).toEqual(['Select at least one environment']);
    expect(await validate(undefined)).toEqual([]);
  });

  it("says why it cannot check, with the server's message", async () => {
    const failing = mockGitopsApi({
      getConfiguredEnvironments: async () => {
        throw Object.assign(new Error('Request failed with 503'), {
          body: { error: { message: 'gitops.environments is not configured' } },
        });
      },
    });
    expect(await validate(['dev'], { api: failing })).toEqual([
      'Cannot check the environments: gitops.environments is not configured',
    ]);
  });
});

describe('GitopsEnvironmentPicker in the scaffolder form', () => {
  // The stepper scrolls to the top of each step; jsdom has no scrolling.
  beforeEach(() => {
    jest.spyOn(window, 'scrollTo').mockImplementation(() => {});
  });
  afterEach(() => jest.restoreAllMocks());

  const manifest = {
    title: 'Deploy a service',
    steps: [
      {
        title: 'Where',
        schema: {
          type: 'object',
          required: ['environments'],
          properties: {
            environments: {
              title: 'Environments',
              type: 'array',
              items: { type: 'string' },
              'ui:field': ENVIRONMENT_PICKER_FIELD,
            },
          },
        },
      },
    ],
  };

  async function renderForm(initialState?: StepperProps['initialState']) {
    const onCreate = jest.fn(async () => {});
    await renderInTestApp(
      <TestApiProvider apis={[[gitopsApiRef, api]]}>
        <Stepper
          manifest={manifest}
          extensions={[
            {
              name: ENVIRONMENT_PICKER_FIELD,
              component: EnvironmentPicker,
              validation: validateEnvironments,
            },
          ]}
          initialState={initialState}
          onCreate={onCreate}
        />
      </TestApiProvider>,
    );
    return onCreate;
  }

  it('creates with every environment by default', async () => {
    const onCreate = await renderForm();
    await screen.findByRole('checkbox', { name: /^Production/ });
    await waitFor(() =>
      expect(screen.getByRole('checkbox', { name: /^dev/ })).toBeChecked(),
    );
    await userEvent.click(screen.getByRole('checkbox', { name: /^staging/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Review' }));
    await userEvent.click(
      await screen.findByRole('button', { name: 'Create' }),
    );
    expect(onCreate).toHaveBeenCalledWith({
      environments: ['dev', 'production'],
    });
  });

  it('asks for at least one environment', async () => {
    const onCreate = await renderForm();
    await waitFor(() =>
      expect(screen.getAllByRole('checkbox', { checked: true })).toHaveLength(
        3,
      ),
    );
    for (const box of screen.getAllByRole('checkbox')) {
      await userEvent.click(box);
    }
    await userEvent.click(screen.getByRole('button', { name: 'Review' }));
    await waitFor(() =>
      expect(
        screen.getAllByText('Select at least one environment').map(e => e.id),
      ).toContain('root_environments__error'),
    );
    expect(onCreate).not.toHaveBeenCalled();
  });

  it('stops at an unknown environment, with the reason', async () => {
    const onCreate = await renderForm({ environments: ['dev', 'qa'] });
    await screen.findByRole('checkbox', {
      name: 'qa: not a configured environment',
    });
    await userEvent.click(screen.getByRole('button', { name: 'Review' }));
    // In the list at the top, and under the field.
    const message =
      'Unknown environment "qa"; choose from dev, staging, production';
    await waitFor(() =>
      expect(screen.getAllByText(message).map(e => e.id)).toContain(
        'root_environments__error',
      ),
    );
    expect(
      screen.queryByRole('button', { name: 'Create' }),
    ).not.toBeInTheDocument();
    expect(onCreate).not.toHaveBeenCalled();
  });
});
