import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

const exec = promisify(execFile);

/** An Argo CD Application as declared in Git (spec only; status is computed). */
export interface DeclaredApplication {
  apiVersion: string;
  kind: 'Application';
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: Record<string, unknown> & { project: string };
}

/**
 * Reads every Application declared under `argocd/` at a revision of a Git
 * repository, the way an app-of-apps Application would: straight from Git,
 * not from a working tree someone may be editing.
 */
export async function readDeclaredApplications(
  repoDir: string,
  revision: string,
): Promise<{ sha: string; applications: DeclaredApplication[] }> {
  const { stdout: sha } = await exec('git', [
    '-C',
    repoDir,
    'rev-parse',
    `${revision}^{commit}`,
  ]);
  const { stdout: listing } = await exec('git', [
    '-C',
    repoDir,
    'ls-tree',
    '-r',
    '--name-only',
    sha.trim(),
    '--',
    'argocd',
  ]);
  const files = listing.split('\n').filter(f => /\.ya?ml$/.test(f));
  const applications: DeclaredApplication[] = [];
  for (const file of files) {
    const { stdout } = await exec(
      'git',
      ['-C', repoDir, 'show', `${sha.trim()}:${file}`],
      {
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    for (const doc of parseAllDocuments(stdout)) {
      if (doc.errors.length) {
        throw new Error(`${file}: ${doc.errors[0].message}`);
      }
      const value = doc.toJS();
      if (value?.kind === 'Application' && value?.metadata?.name) {
        applications.push(value as DeclaredApplication);
      }
    }
  }
  applications.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  return { sha: sha.trim(), applications };
}
