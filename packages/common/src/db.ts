import postgres from 'postgres';
import { instrumentSql } from './db-instrumentation.ts';

export type Sql = postgres.Sql;
/** A connection inside a transaction (withTenant, asPlatform): run queries on it, nothing else. */
export type Tx = postgres.TransactionSql;

/**
 * The claims a request runs under, shaped like Supabase's JWT claims so the same RLS
 * policies work on Supabase (PostgREST sets them) and here (withTenant sets them).
 */
export interface TenantClaims {
  sub: string;
  role: 'authenticated';
  email?: string;
  session_id?: string;
  app_metadata: { tenant_id: string; roles: string[]; [key: string]: unknown };
  [claim: string]: unknown;
}

export interface DbOptions {
  /** Shown in pg_stat_activity: the service's name. */
  applicationName: string;
  max?: number;
}

/**
 * A pool whose queries are traced and timed (`db_query_duration_seconds`) under `applicationName`.
 * JIT compilation is off for its sessions: PostgreSQL compiles any plan whose estimated cost
 * passes jit_above_cost, at every execution (prepared or not), and for the short statements of a
 * service that costs more than the query: a webhook claim of 32 rows took 33 ms, 30 of them JIT.
 */
export function createDb(url: string, { applicationName, max = 10 }: DbOptions): Sql {
  const sql = postgres(url, {
    max,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: applicationName, jit: 'off' },
  });
  return instrumentSql(sql, applicationName);
}

/**
 * Runs `work` in a transaction under a user's claims, exactly as PostgREST does: the claims
 * go into the transaction-local `request.jwt.claims` and the role becomes `authenticated`,
 * so Row-Level Security decides which rows exist. Nothing outlives the transaction.
 */
export async function withTenant<T>(
  sql: Sql,
  claims: TenantClaims,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  const connection = await sql.reserve();
  try {
    // BEGIN and the claims are sent at once and pipelined with work's first query on this
    // connection: one round trip instead of three, still strictly before anything work runs.
    const opened = Promise.all([
      connection`begin`.execute(),
      connection`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true), set_config('role', 'authenticated', true)`.execute(),
    ]);
    const pending = work(connection as unknown as Tx);
    if (isSingleQuery(pending)) {
      // The work is one statement, not yet sent: COMMIT goes right behind it, so the whole
      // unit is one round trip. If the statement fails, Postgres answers COMMIT with ROLLBACK.
      pending.execute();
      const committed = connection`commit`.execute();
      const [, result] = await Promise.all([opened, pending, committed]);
      return result;
    }
    const [, result] = await Promise.all([opened, pending]);
    await connection`commit`;
    return result;
  } catch (error) {
    await connection`rollback`.catch(() => {});
    throw error;
  } finally {
    connection.release();
  }
}

/** A postgres.js query that was built but not awaited (the work returned `tx\`…\`` itself). */
function isSingleQuery<T>(value: Promise<T>): value is Promise<T> & { execute(): unknown } {
  return typeof (value as { execute?: unknown }).execute === 'function';
}

export interface PlatformLogger {
  info(fields: Record<string, unknown>, message: string): void;
}

/**
 * The trusted path: work the platform does for itself (relays, consumers, sign-in before a
 * user is known). It runs as the service's own database role, which sees every tenant's rows
 * of its own schema and nothing of any other. Every use names its reason and is logged.
 */
export function asPlatform<T>(
  sql: Sql,
  reason: string,
  log: PlatformLogger,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  log.info({ reason }, 'platform database access');
  return sql.begin(work) as Promise<T>;
}
