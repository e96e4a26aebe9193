// What a test of the order path reads: the failure a step ended in, and how often the broker
// really executed an order (its own history, whatever the engine believes).
import { expect } from '@jest/globals';
import { ApplicationFailure } from '@temporalio/common';
import type { BrokerPort } from '../../brokers/port.ts';

/** The ApplicationFailure `promise` rejects with; fails the test if it resolves or throws anything else. */
export async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

/** The broker's own history orders of `magic` carrying `clientOrderId`: how often it executed it. */
export async function executedAtBroker(broker: BrokerPort, magic: number, clientOrderId: string): Promise<number> {
  const history = await broker.historyOrders({ from: 0, to: Number.MAX_SAFE_INTEGER }, { magic });
  return history.filter((order) => order.comment === clientOrderId).length;
}
