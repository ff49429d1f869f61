import { z as zod } from 'zod/v3';

/** Output fragments shared by the actions that change a manifest repository. */
export const commitSha = (z: typeof zod) =>
  z.string().optional().describe('The commit written to the branch, if any');

export const commitUrl = (z: typeof zod) =>
  z.string().optional().describe('Link to that commit');

export const pullRequestUrl = (z: typeof zod) =>
  z
    .string()
    .optional()
    .describe(
      'The pull request opened or updated, if the change goes by review',
    );
