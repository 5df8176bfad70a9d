export * from './compatibility.ts';
export * from './envelope.ts';
export type * from './event-data.generated.ts';
export * from './registry.ts';
