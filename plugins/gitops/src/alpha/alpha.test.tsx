import { screen, within } from '@testing-library/react';
import {
  coreExtensionData,
  createExtension,
  createExtensionDataRef,
  createExtensionInput,
  createFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { OverviewResponse } from '@shipdeck/plugin-gitops-common';
import { gitopsApiRef } from '../api';
import { mockGitopsApi } from '../__testUtils__/mockGitopsApi';
import { environmentPickerField } from '../scaffolder/formField';
import gitopsPlugin, {
  deploymentsEntityCard,
  deploymentsEntityContent,
  environmentPickerFormField,
  overviewPage,
} from './index';

/**
 * Stands in for the scaffolder's `api:scaffolder/form-fields`, which loads the
 * fields attached to its `formFields` input (see
 * `@backstage/plugin-scaffolder/alpha`); packages/app tests the real one.
 */
const formFieldLoadersRef = createExtensionDataRef<
  Array<() => Promise<unknown>>
>().with({ id: 'test.form-field-loaders' });
const scaffolderFormFieldsApi = createFrontendPlugin({
  pluginId: 'scaffolder',
  extensions: [
    createExtension({
      kind: 'api',
      name: 'form-fields',
      attachTo: { id: 'root', input: 'apis' },
      inputs: {
        formFields: createExtensionInput([
          FormFieldBlueprint.dataRefs.formFieldLoader,
        ]),
      },
      output: [formFieldLoadersRef],
      factory: ({ inputs }) => [
        formFieldLoadersRef(
          inputs.formFields.map(field =>
            field.get(FormFieldBlueprint.dataRefs.formFieldLoader),
          ),
        ),
      ],
    }),
  ],
}).getExtension('api:scaffolder/form-fields');

const overview: OverviewResponse = {
  observedAt: new Date().toISOString(),
  rows: [
    {
      entityRef: 'component:default/cart',
      title: 'cart',
      environment: 'production',
      order: 2,
      status: {
        sync: 'OutOfSync',
        health: 'Degraded',
        images: [],
        version: '1.4.2',
        observedAt: new Date().toISOString(),
        stale: false,
      },
    },
  ],
};

describe('gitops alpha plugin', () => {
  it('is the gitops plugin, with an overview card filtered by annotations', () => {
    expect(gitopsPlugin.id).toBe('gitops');
    expect(
      createExtensionTester(deploymentsEntityCard).get(
        EntityCardBlueprint.dataRefs.filterFunction,
      ),
    ).toBeInstanceOf(Function);
  });

  it('mounts the Deployments tab at /deployments, on components only', () => {
    const tester = createExtensionTester(deploymentsEntityContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('/deployments');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Deployments',
    );
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(
      filter?.({
        apiVersion: 'v1',
        kind: 'Component',
        metadata: { name: 'a' },
      }),
    ).toBe(true);
    expect(
      filter?.({ apiVersion: 'v1', kind: 'System', metadata: { name: 'a' } }),
    ).toBe(false);
  });

  it('mounts the on-call page at /gitops as the plugin root, titled Shipdeck', () => {
    const tester = createExtensionTester(overviewPage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/gitops');
    expect(tester.get(coreExtensionData.title)).toBe('Shipdeck');
    expect(tester.get(coreExtensionData.icon)).toBeTruthy();
    const routeRef = tester.get(coreExtensionData.routeRef);
    expect(routeRef).toBeDefined();
    expect(routeRef).toBe(gitopsPlugin.routes.root);
  });

  it('offers the GitopsEnvironmentPicker field to the scaffolder through api:scaffolder/form-fields', async () => {
    const tester = createExtensionTester(scaffolderFormFieldsApi).add(
      gitopsPlugin.getExtension(
        'scaffolder-form-field:gitops/environment-picker',
      ),
    );
    expect(tester.snapshot()).toEqual({
      id: 'api:scaffolder/form-fields',
      outputs: ['test.form-field-loaders'],
      children: {
        formFields: [
          {
            id: 'scaffolder-form-field:gitops/environment-picker',
            outputs: ['scaffolder.form-field-loader'],
          },
        ],
      },
    });
    const [load] = tester.get(formFieldLoadersRef);
    expect(await load()).toBe(environmentPickerField);
    expect(
      await createExtensionTester(environmentPickerFormField).get(
        FormFieldBlueprint.dataRefs.formFieldLoader,
      )(),
    ).toBe(environmentPickerField);
  });

  it('renders the overview at /gitops under a Shipdeck header, and lists it in the nav', async () => {
    const getOverview = jest.fn(async () => overview);
    renderTestApp({
      features: [gitopsPlugin],
      initialRouteEntries: ['/gitops'],
      apis: [
        [
          gitopsApiRef,
          mockGitopsApi({
            getOverview,
            getConfiguredEnvironments: async () => [],
          }),
        ],
      ],
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name':
          convertLegacyRouteRef(entityRouteRef),
      },
    });

    const cell = await screen.findByRole(
      'link',
      { name: 'cart in production: 1.4.2, Degraded, Out of sync' },
      { timeout: 10_000 },
    );
    expect(cell).toHaveAttribute(
      'href',
      '/catalog/default/component/cart/deployments',
    );
    expect(getOverview).toHaveBeenCalledWith({});
    // The page layout renders the header, and the content adds none of its own.
    expect(
      screen.getByRole('heading', { level: 1, name: 'Shipdeck' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByText('What runs where, across every service'),
    ).not.toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'sidebar nav' });
    expect(within(nav).getByRole('link', { name: /Shipdeck/ })).toHaveAttribute(
      'href',
      '/gitops',
    );
  });
});
