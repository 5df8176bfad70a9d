// npm run db:migrate | db:seed | db:reset — against DATABASE_URL, or the embedded
// PostgreSQL of `npm start` (its data folder) when DATABASE_URL is not set.
import { join } from 'node:path';
import { describeStartupError } from '@eduspry/common';
import {
  createDatabaseIfMissing,
  dropDatabase,
  type EmbeddedCluster,
  migrateDatabase,
  ROOT,
  seedDatabase,
  startEmbeddedPostgres,
  withDatabase,
} from './lib/database.ts';

const command = process.argv[2];
if (!['migrate', 'seed', 'reset'].includes(command ?? '')) {
  console.error('usage: node scripts/db.ts migrate|seed|reset');
  process.exit(2);
}
if (command === 'reset' && process.env.NODE_ENV === 'production') {
  console.error('db:reset refuses to run with NODE_ENV=production: it drops every table');
  process.exit(1);
}

let cluster: EmbeddedCluster | undefined;
try {
  let url = process.env.DATABASE_URL;
  if (!url) {
    const dataDir = process.env.EDUSPRY_DATA_DIR ?? join(ROOT, '.eduspry');
    cluster = await startEmbeddedPostgres(
      join(dataDir, 'postgres'),
      Number(process.env.EMBEDDED_POSTGRES_PORT ?? 54322),
      true,
    );
    await createDatabaseIfMissing(cluster.url, 'eduspry');
    url = withDatabase(cluster.url, 'eduspry');
  }
  if (command === 'reset') {
    const database = new URL(url).pathname.slice(1);
    await dropDatabase(withDatabase(url, 'postgres'), database);
    await createDatabaseIfMissing(withDatabase(url, 'postgres'), database);
    console.log(`dropped and recreated database ${database}`);
  }
  if (command === 'migrate' || command === 'reset') {
    const applied = await migrateDatabase(url);
    console.log(applied.length ? `applied ${applied.join(', ')}` : 'migrations up to date');
  }
  if (command === 'seed' || command === 'reset') {
    await seedDatabase(url);
    console.log('seeded the demo tenants');
  }
} catch (error) {
  console.error(`db:${command} failed: ${describeStartupError(error).replace(/^startup failed: /, '')}`);
  process.exitCode = 1;
} finally {
  await cluster?.stop();
}
