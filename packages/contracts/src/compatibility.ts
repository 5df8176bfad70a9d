import { execFileSync } from 'node:child_process';
import { dirname, relative } from 'node:path';
import avro from 'avsc';

export interface CompatibilityProblem {
  direction: 'backward' | 'forward';
  message: string;
}

/**
 * Full compatibility of two revisions of one major version, decided by avsc's schema resolution:
 * backward — a reader on `next` can read data written with `previous` (new consumers, old events);
 * forward  — a reader on `previous` can read data written with `next` (old consumers, new events).
 * Anything else needs a new major version (a new `.v<N>.avsc` file).
 */
export function compatibilityProblems(
  previous: avro.Schema | object,
  next: avro.Schema | object,
): CompatibilityProblem[] {
  const before = avro.Type.forSchema(previous as avro.Schema);
  const after = avro.Type.forSchema(next as avro.Schema);
  const problems: CompatibilityProblem[] = [];
  try {
    after.createResolver(before);
  } catch (error) {
    problems.push({ direction: 'backward', message: (error as Error).message });
  }
  try {
    before.createResolver(after);
  } catch (error) {
    problems.push({ direction: 'forward', message: (error as Error).message });
  }
  return problems;
}

export interface SchemaRevision {
  commit: string;
  definition: avro.Schema;
}

/**
 * Every committed revision of a schema file, newest first, read from git history, so a breaking
 * edit fails even after it was committed. Empty outside a git checkout.
 */
export function committedRevisions(file: string): SchemaRevision[] {
  const cwd = dirname(file);
  let root: string;
  let commits: string[];
  try {
    root = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8' }).trim();
    commits = execFileSync('git', ['log', '--format=%H', '--', file], { cwd, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
  } catch {
    return [];
  }
  const path = relative(root, file);
  return commits.flatMap((commit) => {
    try {
      const text = execFileSync('git', ['show', `${commit}:${path}`], { cwd: root, encoding: 'utf8' });
      return [{ commit, definition: JSON.parse(text) as avro.Schema }];
    } catch {
      return []; // the commit deleted the file
    }
  });
}
