export * from './outbox.ts';
export * from './topics.ts';
export * from './trace.ts';
