/*
 * The plugin alone, against a running Shipdeck backend (the demo's, or
 * `yarn start` in plugins/gitops-backend with the Argo CD emulator):
 *
 *   yarn start            (in plugins/gitops; signs in as the guest)
 *
 * Pages: the Deployments tab of one service (`?entity=component:default/cart`
 * picks another) and the Shipdeck page. The tab reads everything from the
 * backend; the entity here only names the service, so annotations that the
 * tab reads from the catalog entity (shipdeck.io/source-repo for "deploy a
 * branch") are absent.
 */
import { createDevApp } from '@backstage/dev-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import Typography from '@material-ui/core/Typography';
import {
  EntityGitopsCard,
  EntityGitopsContent,
  GitopsPage,
  gitopsPlugin,
} from '../src';

function entityFromLocation(): Entity {
  const ref = parseEntityRef(
    new URLSearchParams(window.location.search).get('entity') ??
      'component:default/cart',
    { defaultKind: 'component', defaultNamespace: 'default' },
  );
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: ref.kind,
    metadata: { name: ref.name, namespace: ref.namespace },
  };
}

function EntityTab() {
  const entity = entityFromLocation();
  return (
    <EntityProvider entity={entity}>
      <Typography variant="h4" gutterBottom>
        {entity.metadata.name}
      </Typography>
      <EntityGitopsCard />
      <div style={{ marginTop: 24 }}>
        <EntityGitopsContent />
      </div>
    </EntityProvider>
  );
}

createDevApp()
  .registerPlugin(gitopsPlugin)
  .addPage({
    element: <EntityTab />,
    title: 'Deployments',
    path: '/deployments',
  })
  .addPage({ element: <GitopsPage />, title: 'Shipdeck', path: '/gitops' })
  .render();
