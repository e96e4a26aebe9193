// The search attributes every cycle carries, so the Web UI can filter a bot's cycles. The dev
// server registers them at start; a production cluster registers them once (docker-compose.yml).
import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';

export const SEARCH_ATTRIBUTES = {
  botId: defineSearchAttributeKey('BotId', SearchAttributeType.KEYWORD),
  symbol: defineSearchAttributeKey('Symbol', SearchAttributeType.KEYWORD),
};
