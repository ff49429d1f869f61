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

export function describeDeployment(record: DeploymentRecord): string {
  const from = record.fromVersion ? `${record.fromVersion} → ` : '';
  return `${from}${record.toVersion} by ${record.actor.replace(
    /^user:(default\/)?/,
    '',
  )}`;
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

/** A duration as people say it: "45 s", "4 min", "2 h 5 min", "3 d 2 h". */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    const rest = minutes % 60;
    return rest ? `${hours} h ${rest} min` : `${hours} h`;
  }
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest ? `${days} d ${rest} h` : `${days} d`;
}
