import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import gitopsPlugin, {
  deploymentsEntityCard,
  deploymentsEntityContent,
} from './index';

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
});
