import fs from 'fs';
import path from 'path';

export interface ValueChange {
  /** 1-based line number. */
  line: number;
  from: string;
  to: string;
}

/**
 * Asserts that `after` is `before` with exactly the given lines changed, and
 * within each of them only one occurrence of `from` replaced by `to`: same
 * line count, every other byte the same.
 */
export function expectOnlyValueChanged(
  before: string,
  after: string,
  changes: ValueChange[],
) {
  const oldLines = before.split('\n');
  const newLines = after.split('\n');
  expect(newLines).toHaveLength(oldLines.length);
  const expected = oldLines.map((line, index) => {
    const change = changes.find(c => c.line === index + 1);
    if (!change) return line;
    const at = line.indexOf(change.from);
    if (at === -1) {
      throw new Error(
        `line ${change.line} "${line}" does not contain "${change.from}"`,
      );
    }
    // Where `from` occurs twice on a line, the change may be at either.
    for (let i = at; i !== -1; i = line.indexOf(change.from, i + 1)) {
      const candidate =
        line.slice(0, i) + change.to + line.slice(i + change.from.length);
      if (candidate === newLines[index]) return candidate;
    }
    return line.slice(0, at) + change.to + line.slice(at + change.from.length);
  });
  expect(newLines).toEqual(expected);
  const changed = oldLines
    .map((line, index) => (line === newLines[index] ? undefined : index + 1))
    .filter(line => line !== undefined);
  expect(changed).toEqual(changes.map(c => c.line).sort((a, b) => a - b));
}

/** The 1-based number of the first line containing `text`. */
export function lineOf(content: string, text: string, after = 0): number {
  const lines = content.split('\n');
  const index = lines.findIndex((line, i) => i >= after && line.includes(text));
  if (index === -1) throw new Error(`no line contains "${text}"`);
  return index + 1;
}

const EXAMPLES = path.resolve(__dirname, '../../../../../examples/manifests');

/** A file of the demo manifest repository. */
export function readExample(file: string): string {
  return fs.readFileSync(path.join(EXAMPLES, file), 'utf8');
}

/** The names of the files in a directory of the demo manifest repository. */
export function listExamples(dir: string): string[] {
  return fs.readdirSync(path.join(EXAMPLES, dir)).sort();
}
