import {
  DeploymentRecord,
  ManifestLocation,
} from '@shipdeck/plugin-gitops-common';

const STRATEGY_LABELS: Record<ManifestLocation['strategy'], string> = {
  'kustomize-images': 'kustomize images',
  'helm-values': 'Helm values',
  'raw-image': 'plain manifest',
};

export function strategyLabel(manifest: ManifestLocation): string {
  const label = STRATEGY_LABELS[manifest.strategy];
  return manifest.key ? `${label} (${manifest.key})` : label;
}

/** "3 minutes ago"-style age; exact time stays in the title attribute. */
export function ago(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  const units: Array<[number, string]> = [
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, unit] of units) {
    if (seconds >= size) {
      const n = Math.floor(seconds / size);
      return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
    }
  }
  return 'just now';
}

export function describeDeployment(
  record: Pick<DeploymentRecord, 'fromVersion' | 'toVersion' | 'actor'>,
): string {
  const from = record.fromVersion ? `${record.fromVersion} → ` : '';
  return `${from}${record.toVersion} by ${actorName(record.actor)}`;
}

/** A version as people read it: tags whole, digests shortened. */
export function displayVersion(version: string): string;
export function displayVersion(version?: string): string | undefined;
export function displayVersion(version?: string): string | undefined {
  if (!version) return version;
  const digest = /^(sha256:)([a-f0-9]{12})[a-f0-9]{52}$/.exec(version);
  return digest ? `${digest[1]}${digest[2]}` : version;
}

/** The user part of an actor ref: `user:default/alice` → `alice`. */
export function actorName(actor: string): string {
  return actor.replace(/^user:(default\/)?/, '');
}

/** The message of a failed call: the server's explanation, not the HTTP preamble. */
export function errorMessage(error: unknown): string {
  const e = error as {
    body?: { error?: { message?: string } };
    message?: string;
  };
  return e?.body?.error?.message || e?.message || String(error);
}
