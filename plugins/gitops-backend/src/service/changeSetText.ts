import { parseEntityRef } from '@backstage/catalog-model';
import { AppliedEdit } from './ChangeSetWriter';
import { DeploymentPlan } from './DeploymentService';

const name = (edit: AppliedEdit) => parseEntityRef(edit.target.entityRef).name;

/** One line per changed service, for commit messages. */
export function describeEdits(edits: AppliedEdit[]): string {
  return edits
    .map(
      e =>
        `- ${name(e)}: ${e.previous ?? '(none)'} → ${e.version} (${e.files.join(
          ', ',
        )})`,
    )
    .join('\n');
}

/** The pull request description: each service with old → new version and links. */
export function pullRequestBody(
  plan: DeploymentPlan,
  edits: AppliedEdit[],
  actor: string,
): string {
  const rows = edits.map(e => {
    const argo = e.target.argocd.url
      ? `[${e.target.argocd.name}](${e.target.argocd.url})`
      : e.target.argocd.name;
    return `| ${name(e)} | \`${e.previous ?? '(none)'}\` | \`${
      e.version
    }\` | ${e.files.map(f => `\`${f}\``).join(', ')} | ${argo} |`;
  });
  return [
    `${plan.summary}, requested by ${actor} through Shipdeck.`,
    '',
    '| service | from | to | file | Argo CD |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    `Merging this pull request deploys to ${plan.environment.name}.`,
  ].join('\n');
}
