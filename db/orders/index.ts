export { closeOrderGate, passOrderGate, type GateState } from './order-gate.ts';
export { OrderStore } from './order-store.ts';
export { InvalidOrderRequest } from './outbox.ts';
export type { AuditTrace, OrderOutcome, OrderStoreOptions, OrderVenue } from './types.ts';
