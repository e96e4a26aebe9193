export * from './activity.ts';
export * from './executions.ts';
export * from './keyset.ts';
export * from './orders.ts';
export * from './signals.ts';
export * from './trades.ts';
