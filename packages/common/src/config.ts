import { type Static, type TObject, Type } from 'typebox';
import { Value } from 'typebox/value';

/** A configuration problem the operator can fix: printed as one line, exit code 1. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

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
  const value = Value.Convert(schema, Value.Default(schema, raw));
  const [error] = Value.Errors(schema, value);
  if (error) {
    const variable =
      error.instancePath.replace(/^\//, '').split('/')[0] || missingKey(schema, raw) || 'environment';
    const got = raw[variable] === undefined ? 'it is not set' : `got ${JSON.stringify(raw[variable])}`;
    throw new ConfigError(`invalid configuration: ${variable} ${error.message} (${got})`);
  }
  return value as Static<T>;
}

function missingKey(schema: TObject, raw: Record<string, unknown>): string | undefined {
  return (schema.required ?? []).find((key: string) => raw[key] === undefined);
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
