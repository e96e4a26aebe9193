// The search attributes cycles carry, so the Web UI finds a bot's cycles and the ones that traded
// (`OrdersPlaced > 0`, `ClientOrderIds = 'se12-345'`, `Strategy = 'pin_bar'`). The dev server
// registers them at start; a production cluster registers them once (docker-compose.yml).
// Plain key objects, not defineSearchAttributeKey: workflow code imports only @temporalio/workflow.
import type { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

type SearchAttributeKey<T extends SearchAttributeType> = ReturnType<typeof defineSearchAttributeKey<T>>;

function key<T extends SearchAttributeType>(name: string, type: T): SearchAttributeKey<T> {
  return { name, type };
}

export const SEARCH_ATTRIBUTES = {
  /** Set by the schedule on every cycle it starts. */
  botId: key('BotId', 'KEYWORD'),
  symbol: key('Symbol', 'KEYWORD'),
  /** Set by the cycle when it sends orders: the orders' clientOrderIds, how many, which strategies. */
  clientOrderIds: key('ClientOrderIds', 'KEYWORD_LIST'),
  ordersPlaced: key('OrdersPlaced', 'INT'),
  strategy: key('Strategy', 'KEYWORD_LIST'),
};
