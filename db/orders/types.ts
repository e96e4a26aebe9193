import type { BrokerPort } from '../../brokers/port.ts';
import type { Logger } from '../../infra/logger.ts';
import type { InstrumentSpec } from '../../trading/market.ts';
import type { CloseReason } from '../../trading/close-reason.ts';
import type { OrderStatus } from '../../trading/orders/index.ts';

/** Where and how the bot's orders are sent: its broker account, magic and symbol spec. */
export interface OrderVenue {
  broker: BrokerPort;
  magic: number;
  /** Largest accepted slippage on an open, in points. */
  deviationPoints: number;
  /** The bot's symbol: prices and volumes are rounded to it at the broker boundary. */
  instrument: InstrumentSpec;
  /**
   * Why the bot may not open now (paused, reducing, blocked), or null: asked just before each open
   * is sent, so a pause acknowledged after the decision still stops it. Closes never ask.
   */
  openingRefusal?: () => Promise<string | null>;
}

/** The cycle an action belongs to, written on its audit rows so they link to the Web UI. */
export interface AuditTrace {
  workflowId: string;
  runId: string;
}

export interface OrderStoreOptions {
  now(): number;
  logger: Logger;
  trace: AuditTrace | null;
  /** Called once per send this store made, with the outcome it ended in (metrics hang here). */
  onSent?: (outcome: OrderOutcome) => void;
}

/** An order's outcome as a step reports it: a reject is data (status, retcode, name), not an error. */
export interface OrderOutcome {
  clientOrderId: string;
  purpose: 'open' | 'close';
  /** Why a close was sent (kill_switch, trading_hours, manual); null for an open. */
  closeReason: CloseReason | null;
  symbol: string;
  side: 'buy' | 'sell';
  volume: number;
  /** The price the order was sent at (the quote it was decided on). */
  price: number;
  status: OrderStatus;
  retcode: number | null;
  retcodeName: string | null;
  brokerTicket: string | null;
  /** Why it was rejected or cancelled, or why its outcome is unknown. */
  error: string | null;
}
