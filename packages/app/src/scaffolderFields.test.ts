import { ApiBlueprint } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder/alpha';
import gitopsPlugin from '@shipdeck/plugin-gitops/alpha';

// The Create page and the template editor load their form fields from the
// scaffolder's api:scaffolder/form-fields; Shipdeck's field must reach it.
describe('scaffolder form fields', () => {
  it('include GitopsEnvironmentPicker from @shipdeck/plugin-gitops', async () => {
    const tester = createExtensionTester(
      scaffolderPlugin.getExtension('api:scaffolder/form-fields'),
    ).add(
      gitopsPlugin.getExtension(
        'scaffolder-form-field:gitops/environment-picker',
      ),
    );
    const factory = tester.get(ApiBlueprint.dataRefs.factory);
    const api = factory.factory({
      appTreeApi: { getTree: () => ({ tree: { nodes: new Map() } }) },
    }) as { loadFormFields(): Promise<Array<Record<string, unknown>>> };

    const fields = await api.loadFormFields();
    expect(fields).toEqual([
      expect.objectContaining({
        name: 'GitopsEnvironmentPicker',
        component: expect.any(Function),
        validation: expect.any(Function),
        schema: expect.objectContaining({
          schema: expect.objectContaining({
            uiOptions: expect.objectContaining({
              properties: expect.objectContaining({
                allowedEnvironments: expect.anything(),
                excludeProtected: expect.anything(),
              }),
            }),
          }),
        }),
      }),
    ]);
  });
});
