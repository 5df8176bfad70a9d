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
 * edit fails even after it was committed. Outside a git checkout this throws: a check with
 * nothing to compare against must not pass.
 */
export function committedRevisions(file: string): SchemaRevision[] {
  const cwd = dirname(file);
  const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });
  let root: string;
  try {
    root = git('rev-parse', '--show-toplevel').trim();
  } catch (error) {
    throw new Error(`cannot compare ${file} with its committed revisions: not in a git checkout`, {
      cause: error,
    });
  }
  const commits = git('log', '--format=%H', '--', file).split('\n').filter(Boolean);
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

/** One schema file against every committed revision: what was compared, and what breaks. */
export function checkAgainstRevisions(
  file: string,
  definition: avro.Schema | object,
): { compared: string[]; problems: (CompatibilityProblem & { commit: string })[] } {
  const revisions = committedRevisions(file);
  return {
    compared: revisions.map((revision) => revision.commit),
    problems: revisions.flatMap((revision) =>
      compatibilityProblems(revision.definition, definition).map((problem) => ({
        ...problem,
        commit: revision.commit,
      })),
    ),
  };
}
