/** Checks of what people type into the dialogs; the backend checks again. */

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** An image tag or digest; undefined when valid, else what is wrong. */
export function versionProblem(input: string): string | undefined {
  const value = input.trim();
  if (!value) return 'Enter the version to deploy, e.g. 1.4.2';
  if (value.startsWith('sha256:')) {
    return DIGEST.test(value)
      ? undefined
      : 'A digest is sha256: followed by 64 lower-case hex characters';
  }
  return TAG.test(value)
    ? undefined
    : 'An image tag has letters, digits, ".", "_" or "-" (at most 128, not starting with "." or "-")';
}

/** A branch or other ref name, by git's rules that matter for typing. */
export function gitRefProblem(input: string): string | undefined {
  const value = input.trim();
  if (!value) return 'Enter the branch to deploy, e.g. main';
  if (/[\s~^:?*[\\]|\.\.|@\{|\/\/|^\/|\/$|\.lock$|^-|\.$/.test(value)) {
    return `"${value}" is not a valid branch name`;
  }
  return undefined;
}

/** A key that makes a retried click land once (Idempotency-Key). */
export function newIdempotencyKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
