import { all, create, type MathNode } from 'mathjs';

/**
 * Formulas of calculated questions, evaluated by mathjs (never `eval`), in a restricted
 * instance: only arithmetic, a few functions and the attempt's variables. Following mathjs'
 * security guidance, the functions that define or parse code are replaced by ones that throw,
 * and a formula is parsed once and walked to refuse anything but numbers, known variables,
 * operators and allowed function calls (no assignment, no property access, no function definition).
 */
const math = create(all!);
const parse = math.parse;
const refuse = () => {
  throw new Error('not available in formulas');
};
math.import(
  {
    import: refuse,
    createUnit: refuse,
    evaluate: refuse,
    parse: refuse,
    simplify: refuse,
    derivative: refuse,
    resolve: refuse,
    reviver: refuse,
    compile: refuse,
  },
  { override: true },
);

export const ALLOWED_FUNCTIONS = new Set([
  'abs',
  'sqrt',
  'cbrt',
  'exp',
  'log',
  'log10',
  'log2',
  'sin',
  'cos',
  'tan',
  'asin',
  'acos',
  'atan',
  'atan2',
  'min',
  'max',
  'round',
  'floor',
  'ceil',
  'pow',
  'mod',
]);
const ALLOWED_CONSTANTS = new Set(['pi', 'e']);

export class FormulaError extends Error {
  override name = 'FormulaError';
}

export interface Formula {
  variables: string[];
  evaluate(scope: Record<string, number>): number;
}

/** Parses and checks a formula once; throws FormulaError naming what is not allowed. */
export function compileFormula(source: string, variables: readonly string[]): Formula {
  if (source.length > 500) throw new FormulaError('formula longer than 500 characters');
  let root: MathNode;
  try {
    root = parse(source);
  } catch (error) {
    throw new FormulaError(`formula does not parse: ${(error as Error).message}`);
  }
  let nodes = 0;
  const known = new Set(variables);
  root.traverse((node, _path, parent) => {
    if (++nodes > 200) throw new FormulaError('formula has more than 200 parts');
    switch (node.type) {
      case 'ConstantNode':
        if (typeof (node as unknown as { value: unknown }).value !== 'number')
          throw new FormulaError('only numeric constants are allowed');
        return;
      case 'OperatorNode':
      case 'ParenthesisNode':
        return;
      case 'FunctionNode': {
        const name = (node as unknown as { fn: { name?: string } }).fn.name ?? '';
        if (!ALLOWED_FUNCTIONS.has(name)) throw new FormulaError(`function ${name || '?'} is not allowed`);
        return;
      }
      case 'SymbolNode': {
        const name = (node as unknown as { name: string }).name;
        const isCallee =
          parent?.type === 'FunctionNode' && (parent as unknown as { fn: MathNode }).fn === node;
        if (isCallee) return;
        if (!known.has(name) && !ALLOWED_CONSTANTS.has(name))
          throw new FormulaError(`unknown variable ${name}`);
        return;
      }
      default:
        throw new FormulaError(`${node.type} is not allowed in formulas`);
    }
  });
  const compiled = root.compile();
  return {
    variables: [...known],
    evaluate(scope) {
      const safe = new Map<string, number>();
      for (const name of known) safe.set(name, Number(scope[name]));
      const value = compiled.evaluate(safe);
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw new FormulaError('formula did not give a finite number');
      return value;
    },
  };
}
