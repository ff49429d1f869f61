/**
 * How a version (an image tag) maps to a commit of the service's source
 * repository, so the dialogs can list the commits between two versions.
 *
 * The rule, most specific first:
 * 1. A version that `gitops.sourceVersionTemplate` made from a commit
 *    ("deploy branch X", deploy tags): the template's `{sha}` or `{sha7}`
 *    part is the commit. With the default template `{sha}`, a 40-hex
 *    version is a commit.
 * 2. A release tag: `v<version>` and `<version>` (or, for a version that
 *    starts with `v`, itself and itself without the `v`), the two ways
 *    release tags are usually spelled. The first that exists wins.
 * A digest (`sha256:…`) or anything else stands for no commit.
 */
export type VersionRef =
  | { kind: 'commit'; ref: string }
  | { kind: 'tag'; ref: string };

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The commit a template-made version names, or undefined: the template
 * `git-{sha7}` reads `git-abc1234` as commit `abc1234`.
 */
export function commitOfVersion(
  version: string,
  template: string,
): string | undefined {
  if (!/\{sha7?\}/.test(template)) return undefined;
  let group = 0;
  let shaGroup = 0;
  const pattern = template
    .split(/(\{sha\}|\{sha7\}|\{ref\})/)
    .map(part => {
      if (part === '{sha}' || part === '{sha7}') {
        group++;
        if (!shaGroup) shaGroup = group;
        return part === '{sha}' ? '([0-9a-f]{40})' : '([0-9a-f]{7})';
      }
      if (part === '{ref}') {
        group++;
        return '(.+?)';
      }
      return escapeRegExp(part);
    })
    .join('');
  return new RegExp(`^${pattern}$`).exec(version)?.[shaGroup];
}

/** Where to look for a version in the source repository, in order. */
export function versionRefCandidates(
  version: string,
  template: string,
): VersionRef[] {
  if (version.startsWith('sha256:')) return [];
  const commit = commitOfVersion(version, template);
  if (commit) return [{ kind: 'commit', ref: commit }];
  const tags = version.startsWith('v')
    ? [version, version.slice(1)]
    : [`v${version}`, version];
  return tags.filter(Boolean).map(ref => ({ kind: 'tag' as const, ref }));
}
