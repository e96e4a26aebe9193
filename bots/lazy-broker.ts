// A BrokerPort whose adapter is found on first use: activities ask for a bot's broker by account
// name synchronously, while finding the adapter reads the account's settings from the database.
import type { BrokerPort } from '../brokers/port.ts';

export function lazyBroker(name: string, adapter: () => Promise<BrokerPort>): BrokerPort {
  return {
    name,
    symbols: async () => (await adapter()).symbols(),
    account: async () => (await adapter()).account(),
    instrument: async (symbol) => (await adapter()).instrument(symbol),
    quote: async (symbol) => (await adapter()).quote(symbol),
    closedBars: async (symbol, count) => (await adapter()).closedBars(symbol, count),
    placeMarketOrder: async (request) => (await adapter()).placeMarketOrder(request),
    modifyPosition: async (ticket, sl, tp) => (await adapter()).modifyPosition(ticket, sl, tp),
    closePosition: async (ticket, volume, comment) => (await adapter()).closePosition(ticket, volume, comment),
    positions: async (filter) => (await adapter()).positions(filter),
    deals: async (range, filter) => (await adapter()).deals(range, filter),
    historyOrders: async (range, filter) => (await adapter()).historyOrders(range, filter),
    charges: async (range) => (await adapter()).charges(range),
    findOrderByComment: async (magic, comment, since, hint) =>
      (await adapter()).findOrderByComment(magic, comment, since, hint),
    lateSendMs: async () => (await adapter()).lateSendMs(),
  };
}
