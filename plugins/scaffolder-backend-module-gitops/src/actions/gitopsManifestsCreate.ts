import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { HELM_WRITE_KEY } from '../generate/helmValues';
import { generateManifests } from '../generate/manifests';
import { GeneratedFile, ServiceSpec } from '../generate/types';
import { renderPathTemplate } from '../generate/validate';
import { configuredEnvironments } from './environments';
import { examples } from './gitopsManifestsCreate.examples';
import {
  manifestsInput,
  manifestsOutput,
} from './gitopsManifestsCreate.schema';
import { ManifestsInput, resolveServiceSpec } from './manifestsSpec';
import { parseInput } from './parseInput';
import { writeGenerated } from './targetFiles';

/** The `{env}` placeholder kept as is, for annotations the backend fills in. */
const ANY_ENV = '{env}';

function outputs(
  input: ManifestsInput,
  spec: ServiceSpec,
  files: GeneratedFile[],
) {
  const layout = spec.layout;
  const service = spec.name;
  const perEnvironment = renderPathTemplate(
    layout.format === 'kustomize' ? input.overlayPath : input.valuesPath,
    { service, env: ANY_ENV },
    layout.format === 'kustomize' ? 'overlayPath' : 'valuesPath',
  );
  return {
    files: files.map(file => file.path),
    overlays: Object.fromEntries(
      spec.environments.map(env => [env.name, env.path]),
    ),
    manifestPath: perEnvironment,
    image: spec.image,
    ...(layout.format === 'kustomize'
      ? { writeStrategy: 'kustomize-images' as const }
      : {
          writeStrategy: 'helm-values' as const,
          writeKey: HELM_WRITE_KEY,
          valueFiles: [layout.commonValuesPath, perEnvironment],
          chart: layout.chart,
        }),
  };
}

/**
 * `gitops:manifests:create`: a new service's Kubernetes manifests in the
 * workspace, laid out the way Shipdeck deploys them (a kustomize base and
 * overlays whose `images:` entry is the one line a deployment changes, or
 * Helm values files with `image.tag`). Everything is generated and checked
 * in memory first, so a bad input writes nothing.
 */
export function createGitopsManifestsCreateAction(options: {
  auth: AuthService;
  discovery: DiscoveryService;
}) {
  return createTemplateAction({
    id: 'gitops:manifests:create',
    description:
      'Writes a new service’s Kubernetes manifests into the workspace: a kustomize base with one overlay per Shipdeck environment (or Helm values files), with probes, safe rollouts, optional HPA, PDB, Argo Rollout and PreSync migration.',
    examples,
    supportsDryRun: true,
    schema: { input: manifestsInput, output: manifestsOutput },
    async handler(ctx) {
      const input = parseInput(manifestsInput, ctx.input) as ManifestsInput;
      const spec = resolveServiceSpec(
        input,
        await configuredEnvironments(options, ctx),
      );
      const files = generateManifests(spec);
      await writeGenerated(ctx, {
        files,
        targetPath: input.targetPath,
        overwrite: input.overwrite,
        pathFields:
          input.format === 'kustomize'
            ? 'basePath, overlayPath'
            : 'commonValuesPath, valuesPath',
      });
      for (const [name, value] of Object.entries(outputs(input, spec, files))) {
        ctx.output(name, value);
      }
    },
  });
}
