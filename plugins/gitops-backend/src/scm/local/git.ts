import { spawn } from 'node:child_process';

/** A failed git invocation, with git's own message. */
export class GitError extends Error {
  readonly name = 'GitError';
  constructor(
    readonly args: string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} failed (${exitCode}): ${stderr.trim()}`);
  }
}

/**
 * Runs git in a repository with an identity and no user configuration, so
 * results do not depend on the machine's ~/.gitconfig.
 */
export async function git(
  gitDir: string,
  args: string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<string> {
  return (await gitBytes(gitDir, args, options)).toString('utf8');
}

/** Like {@link git}, with the output as bytes (sizes git reports count bytes). */
export async function gitBytes(
  gitDir: string,
  args: string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['--git-dir', gitDir, ...args], {
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_TERMINAL_PROMPT: '0',
        ...options.env,
      },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', chunk => out.push(chunk));
    child.stderr!.on('data', chunk => err.push(chunk));
    child.on('error', reject);
    child.on('close', code => {
      if (code === 0) {
        resolve(Buffer.concat(out));
      } else {
        reject(new GitError(args, code, Buffer.concat(err).toString('utf8')));
      }
    });
    if (child.stdin) {
      // git may exit before reading all input (e.g. on an error); its exit code says why.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
  });
}

export const ZERO_SHA = '0000000000000000000000000000000000000000';
