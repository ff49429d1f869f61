/** Milliseconds since the epoch; injectable so tests can pin timestamps. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/**
 * Kubernetes `metav1.Time` as Argo CD serves it: RFC 3339 with whole-second
 * precision (`2026-01-02T03:04:05Z`). Comparisons between two served
 * timestamps must therefore use `>=` (facts §2.4).
 */
export function formatTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000)
    .toISOString()
    .replace('.000Z', 'Z');
}

/** The whole second a timestamp falls in, as served. */
export function wholeSecond(ms: number): number {
  return Math.floor(ms / 1000);
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
