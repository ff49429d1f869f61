import { CodeSnippet, EmptyState } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { SHIPDECK_ANNOTATIONS } from '@shipdeck/plugin-gitops-common';

/** The annotations a service needs, as people paste them into catalog-info.yaml. */
const ANNOTATION_SNIPPET = `metadata:
  annotations:
    ${SHIPDECK_ANNOTATIONS.manifestRepo}: local:demo
    ${SHIPDECK_ANNOTATIONS.manifestPath}: '{service}/overlays/{env}'
    ${SHIPDECK_ANNOTATIONS.image}: registry.example.com/shop/my-service
    argocd/app-name: my-service`;

/** Tells an owner exactly what to add to catalog-info.yaml to use Shipdeck. */
export function MissingGitopsSetup(props: {
  title?: string;
  description?: string;
  missing?: 'field' | 'data';
}) {
  return (
    <EmptyState
      missing={props.missing ?? 'field'}
      title={props.title ?? 'This entity is not deployed with Shipdeck yet'}
      description={
        props.description ??
        'Add annotations naming its manifest repository, the path of its manifests per environment and its image; the Argo CD annotations of existing plugins also work.'
      }
      action={
        <>
          <Typography variant="body1" gutterBottom>
            Add to the service's catalog-info.yaml:
          </Typography>
          <CodeSnippet
            language="yaml"
            text={ANNOTATION_SNIPPET}
            showCopyCodeButton
          />
        </>
      }
    />
  );
}
