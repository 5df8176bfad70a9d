// The message catalogs of the Next.js apps (apps/<app>/messages/{en,es}.json, next-intl) and the
// check that no user-facing text is written into a page instead of coming from them.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const LANGUAGES = ['en', 'es'] as const;

type Catalog = { [key: string]: string | Catalog };

/** Every app folder that has a messages/ folder. */
export function catalogFolders(root = ROOT): string[] {
  const apps = join(root, 'apps');
  return readdirSync(apps)
    .map((name) => join(apps, name, 'messages'))
    .filter((dir) => existsSync(dir) && statSync(dir).isDirectory());
}

/** A catalog's leaves as dotted keys → message. */
export function flatten(catalog: Catalog, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(catalog)) {
    if (value && typeof value === 'object' && !Array.isArray(value))
      for (const [k, v] of flatten(value as Catalog, `${prefix}${key}.`)) out.set(k, v);
    else out.set(`${prefix}${key}`, value);
  }
  return out;
}

export function readCatalog(dir: string, language: string): Map<string, unknown> {
  return flatten(JSON.parse(readFileSync(join(dir, `${language}.json`), 'utf8')) as Catalog);
}

/** What is wrong with the catalogs of one messages/ folder: keys missing in a language, empty messages. */
export function catalogProblems(dir: string): string[] {
  const where = relative(ROOT, dir);
  const catalogs = LANGUAGES.map((language) => [language, readCatalog(dir, language)] as const);
  const problems: string[] = [];
  for (const [language, catalog] of catalogs) {
    for (const [other, otherCatalog] of catalogs) {
      if (other === language) continue;
      for (const key of otherCatalog.keys())
        if (!catalog.has(key))
          problems.push(`${where}/${language}.json is missing "${key}" (in ${other}.json)`);
    }
    for (const [key, value] of catalog)
      if (typeof value !== 'string' || value.trim() === '')
        problems.push(`${where}/${language}.json has an empty or non-text "${key}"`);
  }
  return problems;
}

// Props whose string value is shown to (or read out for) the user.
const TEXT_PROPS = new Set(['label', 'title', 'hint', 'placeholder', 'alt', 'aria-label', 'explanation']);
// Letters make it words; punctuation and separators between expressions (" · ", "←") are not text.
const WORDS = /\p{L}{2,}/u;

/**
 * Where a string literal ends up, when that is on the page: a JSX child (`{ok ? 'Yes' : 'No'}`)
 * or a text prop (`label={'Email'}`), through conditionals, `&&`/`||`/`??` and parentheses.
 */
function shownBy(node: ts.Node): string | null {
  let child: ts.Node = node;
  let parent = node.parent;
  while (parent) {
    if (ts.isParenthesizedExpression(parent)) {
      child = parent;
      parent = parent.parent;
    } else if (ts.isConditionalExpression(parent) && parent.condition !== child) {
      child = parent;
      parent = parent.parent;
    } else if (
      ts.isBinaryExpression(parent) &&
      [
        ts.SyntaxKind.AmpersandAmpersandToken,
        ts.SyntaxKind.BarBarToken,
        ts.SyntaxKind.QuestionQuestionToken,
      ].includes(parent.operatorToken.kind) &&
      (parent.right === child || parent.operatorToken.kind !== ts.SyntaxKind.AmpersandAmpersandToken)
    ) {
      child = parent;
      parent = parent.parent;
    } else break;
  }
  if (!parent || !ts.isJsxExpression(parent)) return null;
  const holder = parent.parent;
  if (ts.isJsxElement(holder) || ts.isJsxFragment(holder)) return '';
  if (ts.isJsxAttribute(holder) && TEXT_PROPS.has(holder.name.getText())) return `${holder.name.getText()}=`;
  return null;
}

/**
 * User-facing text written into a .tsx file: JSX text with words, or a string literal with words
 * given to a text prop (label="Email"). Everything the user reads comes from the catalogs.
 */
export function hardCodedText(file: string, source = readFileSync(file, 'utf8')): string[] {
  const tree = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const where = (node: ts.Node) => {
    const { line } = tree.getLineAndCharacterOfPosition(node.getStart(tree));
    return `${relative(ROOT, file)}:${line + 1}`;
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && WORDS.test(node.text)) found.push(`${where(node)}: "${node.text.trim()}"`);
    if (ts.isJsxAttribute(node) && node.initializer && ts.isStringLiteral(node.initializer)) {
      const name = node.name.getText(tree);
      if (TEXT_PROPS.has(name) && WORDS.test(node.initializer.text))
        found.push(`${where(node)}: ${name}="${node.initializer.text}"`);
    }
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && WORDS.test(node.text)) {
      const shown = shownBy(node);
      if (shown !== null) found.push(`${where(node)}: ${shown}"${node.text}"`);
    }
    ts.forEachChild(node, visit);
  };
  visit(tree);
  return found;
}

/** The .tsx files of every app (not tests, builds or dependencies). */
export function appSources(root = ROOT): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name === 'test' || name.startsWith('.')) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.tsx')) files.push(path);
    }
  };
  walk(join(root, 'apps'));
  return files;
}
