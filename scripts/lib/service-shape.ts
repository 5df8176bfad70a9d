// The house shape of a service as a check: transport (routes/, grpc/, consumers/) calls domain/,
// never db/; a route handler stays short; db/ takes only types from domain/, so the two never
// form a circle. scripts/test/service-shape.test.ts runs it over every service; the scaffold's
// test over what `npm run new:service` generates.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export const ROOT = new URL('../..', import.meta.url).pathname;
const MAX_HANDLER_LINES = 25;
const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'route', 'all']);

export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

export const services = (root: string) =>
  readdirSync(join(root, 'services'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, 'services', entry.name, 'src')))
    .map((entry) => join(root, 'services', entry.name, 'src'));

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

/** Every import/export-from of a file, with whether it brings values or only types. */
function importsOf(source: ts.SourceFile): { from: string; typeOnly: boolean }[] {
  const found: { from: string; typeOnly: boolean }[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      const typeOnly =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name &&
            !!clause.namedBindings &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.every((element) => element.isTypeOnly)));
      found.push({ from: statement.moduleSpecifier.text, typeOnly });
    }
    if (
      ts.isExportDeclaration(statement) &&
      statement.moduleSpecifier &&
      ts.isStringLiteral(statement.moduleSpecifier)
    )
      found.push({ from: statement.moduleSpecifier.text, typeOnly: statement.isTypeOnly });
  }
  return found;
}

/** What breaks the shape in one service's src/ (an empty list when it holds). */
export function shapeViolations(src: string): string[] {
  const violations: string[] = [];
  const name = (file: string) => relative(ROOT, file);
  for (const layer of ['routes', 'grpc', 'consumers']) {
    for (const file of filesUnder(join(src, layer))) {
      const source = parse(file);
      for (const { from } of importsOf(source))
        if (/(^|\/)db\//.test(from))
          violations.push(`${name(file)} imports ${from}: transport calls domain/, not db/`);
      if (layer !== 'routes') continue;
      const visit = (node: ts.Node) => {
        if (
          ts.isCallExpression(node) &&
          ts.isPropertyAccessExpression(node.expression) &&
          ROUTE_METHODS.has(node.expression.name.text) &&
          node.arguments.length >= 2 &&
          ts.isStringLiteralLike(node.arguments[0]!)
        ) {
          const handler = node.arguments.at(-1)!;
          if (ts.isArrowFunction(handler) || ts.isFunctionExpression(handler)) {
            const first = source.getLineAndCharacterOfPosition(handler.getStart(source)).line;
            const last = source.getLineAndCharacterOfPosition(handler.getEnd()).line;
            const lines = last - first + 1;
            if (lines > MAX_HANDLER_LINES)
              violations.push(
                `${name(file)}:${first + 1} ${node.expression.name.text.toUpperCase()} ${(node.arguments[0] as ts.StringLiteralLike).text}: handler is ${lines} lines (at most ${MAX_HANDLER_LINES}); move the logic into domain/`,
              );
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
  }
  for (const file of filesUnder(join(src, 'db')))
    for (const { from, typeOnly } of importsOf(parse(file)))
      if (/(^|\/)domain\//.test(from) && !typeOnly)
        violations.push(`${name(file)} imports values from ${from}: db/ may take only types from domain/`);
  return violations;
}
