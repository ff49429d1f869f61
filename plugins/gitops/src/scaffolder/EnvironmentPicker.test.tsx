import { useState } from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  Environment,
  GitopsApi,
  GitopsClient,
} from '@shipdeck/plugin-gitops-common';
import { gitopsApiRef } from '../api';
import { configuredEnvironments } from '../__testUtils__/fixtures';
import { mockGitopsApi } from '../__testUtils__/mockGitopsApi';
import { EnvironmentPicker } from './EnvironmentPicker';
import { EnvironmentPickerProps, EnvironmentPickerUiOptions } from './schema';

type FieldOptions = {
  type?: 'array' | 'string';
  formData?: string | string[];
  uiOptions?: EnvironmentPickerUiOptions;
  rawErrors?: string[];
};

/** The field as the scaffolder form renders it, keeping its own form data. */
function Field(props: FieldOptions & { onChange: jest.Mock }) {
  const { type = 'array', uiOptions, rawErrors, onChange } = props;
  const [formData, setFormData] = useState(props.formData);
  const fieldProps = {
    schema:
      type === 'array'
        ? { type, title: 'Environments', items: { type: 'string' } }
        : { type, title: 'Environment' },
    uiSchema: uiOptions ? { 'ui:options': uiOptions } : {},
    idSchema: { $id: 'root_environments' },
    formData,
    onChange: (value: string | string[] | undefined) => {
      onChange(value);
      setFormData(value);
    },
    required: true,
    rawErrors,
  } as unknown as EnvironmentPickerProps;
  return (
    <>
      <EnvironmentPicker {...fieldProps} />
      <output data-testid="form-data">{JSON.stringify(formData)}</output>
    </>
  );
}

async function render(
  options: FieldOptions & { api?: GitopsApi } = {},
): Promise<jest.Mock> {
  const onChange = jest.fn();
  const api =
    options.api ??
    mockGitopsApi({
      getConfiguredEnvironments: async () => configuredEnvironments,
    });
  await renderInTestApp(
    <TestApiProvider apis={[[gitopsApiRef, api]]}>
      <Field {...options} onChange={onChange} />
    </TestApiProvider>,
  );
  return onChange;
}

const formData = () =>
  JSON.parse(screen.getByTestId('form-data').textContent || 'null');

describe('EnvironmentPicker', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows progress, then each configured environment with how changes land', async () => {
    let resolve: (environments: Environment[]) => void = () => {};
    await render({
      api: mockGitopsApi({
        getConfiguredEnvironments: () =>
          new Promise(r => {
            resolve = r;
          }),
      }),
    });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    resolve(configuredEnvironments);

    const group = await screen.findByRole('group', { name: 'Environments' });
    const boxes = within(group).getAllByRole('checkbox');
    expect(boxes.map(box => box.getAttribute('name'))).toEqual([
      'dev',
      'staging',
      'production',
    ]);
    // Each option says, also to a screen reader, how changes land there.
    expect(boxes.map(box => box.getAttribute('aria-label'))).toEqual([
      'dev: direct commit',
      'staging: direct commit, from dev',
      'Production (production): pull request, protected, from staging',
    ]);
    const production = within(boxes[2].closest('label')!);
    expect(production.getByText('Production')).toBeInTheDocument();
    expect(production.getByText('pull request')).toBeInTheDocument();
    expect(production.getByText('protected')).toBeInTheDocument();
    expect(production.getByText('from staging')).toBeInTheDocument();
    const dev = within(boxes[0].closest('label')!);
    expect(dev.getByText('direct commit')).toBeInTheDocument();
    expect(dev.queryByText('protected')).not.toBeInTheDocument();
  });

  it('says merge request, on screen and to a screen reader, when the manifest repository is on GitLab', async () => {
    await render({
      api: mockGitopsApi({
        getConfiguredEnvironments: async () => configuredEnvironments,
        getManifestRepository: async () => ({
          provider: 'gitlab' as const,
          repository: 'gitlab.example.com/shop/deploy',
          branch: 'main',
          repoURL: 'https://gitlab.example.com/shop/deploy.git',
        }),
      }),
    });
    const group = await screen.findByRole('group', { name: 'Environments' });
    await waitFor(() =>
      expect(
        within(group).getAllByRole('checkbox')[2].getAttribute('aria-label'),
      ).toBe('Production (production): merge request, protected, from staging'),
    );
    expect(within(group).getByText('merge request')).toBeInTheDocument();
    expect(within(group).queryByText('pull request')).not.toBeInTheDocument();
  });

  it('starts an array field with every environment, once, and toggles one in promotion order', async () => {
    const onChange = await render({ formData: [] });
    const staging = await screen.findByRole('checkbox', { name: /^staging/ });
    await waitFor(() =>
      expect(formData()).toEqual(['dev', 'staging', 'production']),
    );
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(staging).toBeChecked();

    await userEvent.click(staging);
    expect(staging).not.toBeChecked();
    expect(formData()).toEqual(['dev', 'production']);

    await userEvent.click(staging);
    expect(formData()).toEqual(['dev', 'staging', 'production']);

    // Clearing every box is not overruled by the default.
    for (const box of screen.getAllByRole('checkbox')) {
      await userEvent.click(box);
    }
    expect(formData()).toEqual([]);
  });

  it('keeps a value the form already has', async () => {
    const onChange = await render({ formData: ['staging'] });
    expect(
      await screen.findByRole('checkbox', { name: /^staging/ }),
    ).toBeChecked();
    expect(screen.getByRole('checkbox', { name: /^dev/ })).not.toBeChecked();
    expect(onChange).not.toHaveBeenCalled();
  });

  it('offers one choice for a string field, the first by default', async () => {
    await render({ type: 'string' });
    const group = await screen.findByRole('radiogroup', {
      name: 'Environment',
    });
    await waitFor(() => expect(formData()).toBe('dev'));
    expect(within(group).getByRole('radio', { name: /^dev/ })).toBeChecked();

    await userEvent.click(
      within(group).getByRole('radio', { name: /^Production/ }),
    );
    expect(formData()).toBe('production');
    expect(
      within(group).getByRole('radio', { name: /^Production/ }),
    ).toBeChecked();
    expect(
      within(group).getByRole('radio', { name: /^dev/ }),
    ).not.toBeChecked();
  });

  it('offers only the allowed environments, and can leave out protected ones', async () => {
    await render({
      uiOptions: {
        allowedEnvironments: ['production', 'staging', 'qa'],
        excludeProtected: true,
      },
    });
    await waitFor(() => expect(formData()).toEqual(['staging']));
    expect(
      screen.getAllByRole('checkbox').map(box => box.getAttribute('name')),
    ).toEqual(['staging']);
  });

  it('shows a selected value that is not configured, so that it can be cleared', async () => {
    await render({ formData: ['dev', 'qa'], rawErrors: ['Unknown "qa"'] });
    const qa = await screen.findByRole('checkbox', {
      name: 'qa: not a configured environment',
    });
    expect(qa).toBeChecked();
    await userEvent.click(qa);
    expect(formData()).toEqual(['dev']);
  });

  it("shows the server's message when the environments cannot be loaded, and retries", async () => {
    let fail = true;
    server.use(
      http.get('http://backstage.test/api/gitops/environments', () =>
        fail
          ? HttpResponse.json(
              {
                error: {
                  name: 'ServiceUnavailableError',
                  message: 'gitops.environments is not configured',
                },
                response: { statusCode: 503 },
              },
              { status: 503 },
            )
          : HttpResponse.json({ environments: configuredEnvironments }),
      ),
    );
    await render({
      api: new GitopsClient({
        discoveryApi: {
          getBaseUrl: async () => 'http://backstage.test/api/gitops',
        },
      }),
    });

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent("Could not load Shipdeck's environments");
    expect(alert).toHaveTextContent('gitops.environments is not configured');
    expect(screen.queryByRole('checkbox')).not.toBeInTheDocument();

    fail = false;
    await userEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findAllByRole('checkbox')).toHaveLength(3);
  });

  it('says so when no environment is left to offer', async () => {
    const onChange = await render({
      uiOptions: { allowedEnvironments: ['qa'] },
    });
    expect(
      await screen.findByText(/No environment to choose from/),
    ).toHaveTextContent(
      'No environment to choose from: Shipdeck has none configured that this field allows.',
    );
    expect(onChange).not.toHaveBeenCalled();
  });
});
