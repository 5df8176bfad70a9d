export * from './app.ts';
export * from './config.ts';
export * from './db.ts';
export * from './metrics.ts';
export * from './migrations.ts';
export * from './platform.ts';
export * from './problem.ts';
export * from './run.ts';
