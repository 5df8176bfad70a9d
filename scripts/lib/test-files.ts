// Which files `npm test` runs, and the one way a test file can lose tests silently there.
import { readFileSync } from 'node:fs';
import ts from 'typescript';

export const TEST_PATTERNS = [
  'packages/*/test/**/*.test.ts',
  'services/*/test/**/*.test.ts',
  'apps/*/test/**/*.test.ts',
  'scripts/test/**/*.test.ts',
];

const REGISTRARS = new Set(['test', 'describe', 'it', 'suite']);

function registers(statement: ts.Statement): boolean {
  if (!ts.isExpressionStatement(statement)) return false;
  let call = statement.expression;
  if (ts.isAwaitExpression(call)) call = call.expression;
  if (!ts.isCallExpression(call)) return false;
  let callee = call.expression;
  while (ts.isPropertyAccessExpression(callee)) callee = callee.expression; // test.skip, describe.only
  return ts.isIdentifier(callee) && REGISTRARS.has(callee.text);
}

function awaitsAtTopLevel(node: ts.Node): boolean {
  if (ts.isFunctionLike(node)) return false;
  if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) return true;
  return ts.forEachChild(node, awaitsAtTopLevel) ?? false;
}

/**
 * Top-level `await`s that come after the file's first test registration, as `file:line`. Under
 * `--test-force-exit` (which `npm test` passes so a leaked handle cannot stall a run) Node exits
 * once the tests it knows of have finished: tests registered after such an await are then never
 * run, and the file still passes. Set-up awaits belong before the first test, or inside one.
 */
export function lateRegistrations(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const first = source.statements.findIndex(registers);
  if (first === -1) return [];
  return source.statements
    .slice(first + 1)
    .filter(awaitsAtTopLevel)
    .map((statement) => `${file}:${source.getLineAndCharacterOfPosition(statement.getStart()).line + 1}`);
}
