import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';

/**
 * The unified diff of one file, as `git diff` shows it; a file that does not
 * exist yet is diffed against `/dev/null`.
 */
export function unifiedDiff(
  path: string,
  before: string | undefined,
  after: string,
): string {
  return createTwoFilesPatch(
    before === undefined ? '/dev/null' : `a/${path}`,
    `b/${path}`,
    before ?? '',
    after,
    undefined,
    undefined,
    { context: 3, headerOptions: FILE_HEADERS_ONLY },
  );
}
