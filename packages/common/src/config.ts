import { Ajv } from 'ajv';
import { type Static, type TObject, Type } from 'typebox';

/** A configuration problem the operator can fix: printed as one line, exit code 1. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

// Ajv, which Fastify loads anyway, rather than TypeBox's Value module (~5 MB more per process).
const ajv = new Ajv({ coerceTypes: true, useDefaults: true, strict: false });

/**
 * Reads the environment into a typed object described by a TypeBox schema whose keys are
 * the variable names. Strings are converted to the declared types and defaults applied;
 * the first invalid variable is named in the error.
 */
export function loadConfig<T extends TObject>(schema: T, env: NodeJS.ProcessEnv = process.env): Static<T> {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const value = { ...raw };
  const validate = ajv.compile(schema);
  if (!validate(value)) {
    const error = validate.errors![0]!;
    const missing = (error.params as { missingProperty?: string }).missingProperty;
    const variable = error.instancePath.replace(/^\//, '').split('/')[0] || missing || 'environment';
    const got = raw[variable] === undefined ? 'it is not set' : `got ${JSON.stringify(raw[variable])}`;
    throw new ConfigError(`invalid configuration: ${variable} ${error.message} (${got})`);
  }
  return value as Static<T>;
}

/** The variables every service shares; services extend this with their own. */
export const BaseConfig = {
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('test'), Type.Literal('production')], {
    default: 'development',
  }),
  HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info' },
  ),
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL connection URL' }),
};

/** A process name as an environment variable prefix: `auth-service` → `AUTH_SERVICE` (`_URL`, `_PORT`, …). */
export function envPrefix(name: string): string {
  return name.toUpperCase().replaceAll('-', '_');
}
