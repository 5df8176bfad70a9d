export * from './access-problems.ts';
export * from './attempt-problems.ts';
export * from './compatibility.ts';
export * from './envelope.ts';
export type * from './event-data.generated.ts';
export * from './ids.ts';
export * from './notifications.ts';
export * from './registry.ts';
export * from './roles.ts';
