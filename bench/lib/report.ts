/*
 * What every bench prints: the machine, aligned tables, percentiles, and its
 * command-line flags.
 */
import { availableParallelism, cpus, totalmem } from 'node:os';

/** The machine the figures come from, for the first line of a bench's output. */
export function machine(): string {
  return `${
    cpus()[0]?.model ?? 'unknown CPU'
  }, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(
    0,
  )} GiB, Node ${process.version}`;
}

/** Prints rows under headers: first column left-aligned, the others right. */
export function table(headers: string[], rows: Array<Array<string | number>>) {
  const cells = [headers, ...rows.map(r => r.map(String))];
  const widths = headers.map((_, c) =>
    Math.max(...cells.map(row => (row[c] ?? '').length)),
  );
  for (const row of cells) {
    const padded = row.map((cell, c) =>
      c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]),
    );
    console.log(`  ${padded.join('  ')}`);
  }
}

/** The p-th percentile (nearest rank) of ascending values. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function latencies(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted[sorted.length - 1],
  };
}

export const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-');
export const kB = (bytes: number) => (bytes / 1000).toFixed(1);
export const MB = (bytes: number) => (bytes / 1e6).toFixed(0);
/** b / a, as "12.3×", or "-" when a is 0. */
export const ratio = (a: number, b: number) =>
  a > 0 ? `${(b / a).toFixed(b / a >= 10 ? 0 : 1)}×` : b > 0 ? '∞' : '-';

/**
 * `--name value` flags over defaults; numbers and comma-separated number
 * lists are parsed as such. Unknown flags stop the bench with the known ones.
 */
export function flags<T extends Record<string, number | number[] | string>>(
  defaults: T,
  argv = process.argv.slice(2),
): T {
  const result: Record<string, unknown> = { ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    const value = argv[i + 1];
    if (!(name in defaults) || value === undefined) {
      console.error(
        `unknown or incomplete flag ${argv[i]}; flags: ${Object.entries(
          defaults,
        )
          .map(([k, v]) => `--${k} ${v}`)
          .join(' ')}`,
      );
      process.exit(2);
    }
    const fallback = defaults[name];
    if (Array.isArray(fallback)) result[name] = value.split(',').map(Number);
    else if (typeof fallback === 'number') result[name] = Number(value);
    else result[name] = value;
  }
  return result as T;
}
