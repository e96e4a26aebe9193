// Response shapes of orders, executions and positions, shared by their lists and an order's detail.
import { z } from 'zod';
import { CLOSE_REASONS } from '../../../db/entities/index.ts';
import { ORDER_STATUSES } from '../../../trading/orders/index.ts';
import { money, side, timestamp } from './common.ts';

export const webUiUrl = z
  .string()
  .nullable()
  .describe('The Temporal Web UI history of the workflow run that wrote it; null when unknown');

export const orderSchema = z.object({
  id: z.number().int(),
  botId: z.number().int(),
  decisionId: z.number().int().nullable(),
  strategy: z.string().nullable().describe("Its decision's strategy; null for closes"),
  clientOrderId: z.string().describe('Idempotency key and MT5 comment'),
  purpose: z.enum(['open', 'close']),
  positionTicket: z.string().nullable().describe('The position a close closes'),
  closeReason: z.enum(CLOSE_REASONS).nullable(),
  symbol: z.string(),
  side,
  volume: z.number(),
  requestedPrice: money,
  stopLoss: money.nullable(),
  takeProfit: money.nullable(),
  status: z.enum(ORDER_STATUSES),
  brokerTicket: z.string().nullable(),
  retcode: z.number().int().nullable().describe('MT5 trade server return code'),
  retcodeName: z.string().nullable(),
  error: z.string().nullable(),
  attempts: z.number().int(),
  workflowId: z.string().nullable(),
  runId: z.string().nullable(),
  webUiUrl,
  createdAt: timestamp,
  sentAt: timestamp.nullable(),
  updatedAt: timestamp,
});

export const executionSchema = z.object({
  id: z.number().int(),
  botId: z.number().int(),
  orderId: z.number().int().nullable(),
  clientOrderId: z.string().nullable(),
  brokerAccount: z.string(),
  brokerDealId: z.string(),
  brokerPositionId: z.string(),
  entry: z.enum(['in', 'out', 'inout']),
  side,
  price: money,
  volume: z.number(),
  commission: money,
  swap: money,
  profit: money,
  reason: z.string(),
  comment: z.string(),
  executedAt: timestamp,
});

export const positionSchema = z.object({
  id: z.number().int(),
  botId: z.number().int(),
  openingOrderId: z.number().int().nullable(),
  strategy: z.string().nullable(),
  brokerAccount: z.string(),
  brokerPositionId: z.string().describe('MT5 position ticket'),
  symbol: z.string(),
  side,
  volume: z.number(),
  openPrice: money,
  stopLoss: money.nullable(),
  takeProfit: money.nullable(),
  status: z.enum(['open', 'closed']),
  openedAt: timestamp,
  closedAt: timestamp.nullable(),
  closePrice: money.nullable(),
  realizedPnl: money.nullable().describe('All its deals, net of commission and swap; set once closed'),
  unrealizedPnl: money.nullable(),
  closeReason: z.enum(CLOSE_REASONS).nullable(),
});
