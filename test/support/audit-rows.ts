// Audit-trail rows written straight through the ORM, at the times a test chooses, for the API's
// list, paging and stats tests (a real cycle writes them in test/integration/api/order-detail).
import type { EntityManager } from '@mikro-orm/postgresql';
import { newBotRow } from './bot-row.ts';
import {
  AuditLog,
  CycleRun,
  Decision,
  Execution,
  Order,
  Position,
  Signal,
  type DecisionCheckRecord,
  type IBot,
  type IDecision,
  type IExecution,
  type IOrder,
  type IPosition,
  type ISignal,
} from '../../db/entities/index.ts';
import type { Orm } from '../../db/orm.ts';

let serial = 0;
/** Unique per test process: bot names, magics, deal and position tickets. */
export const nextSerial = (): number => ++serial;

export const at = (minute: number): Date => new Date(Date.UTC(2026, 10, 20, 8) + minute * 60_000);

export class AuditRows {
  readonly em: EntityManager;

  constructor(orm: Orm) {
    this.em = orm.em.fork();
  }

  private async save<T extends object>(entity: T): Promise<T> {
    await this.em.persist(entity).flush();
    return entity;
  }

  bot(name = `audit-bot-${nextSerial()}`): Promise<IBot> {
    return this.save(newBotRow(this.em, { name, magic: 880_000 + nextSerial() }));
  }

  signal(bot: IBot, fields: Partial<ISignal> & { receivedAt: Date }): Promise<ISignal> {
    return this.save(
      this.em.create(Signal, {
        bot,
        strategy: 'pin_bar',
        symbol: bot.symbol,
        direction: 'buy',
        barTime: new Date(fields.receivedAt.getTime() - 30_000),
        score: 0.7,
        entryPrice: 2650.5,
        stopLoss: 2648,
        takeProfit: 2654,
        payload: { bodyRatio: 0.2 },
        ...fields,
      }),
    );
  }

  decision(
    signal: ISignal,
    fields: Partial<IDecision> & { createdAt: Date; checks?: DecisionCheckRecord[] },
  ): Promise<IDecision> {
    return this.save(
      this.em.create(Decision, {
        signal,
        action: 'open',
        score: signal.score,
        reason: 'all checks passed',
        checks: [{ name: 'auto_trade', passed: true, value: true, limit: true, reason: 'auto-trade on' }],
        volume: 0.1,
        stopLoss: signal.stopLoss ?? null,
        takeProfit: signal.takeProfit ?? null,
        ...fields,
      }),
    );
  }

  order(bot: IBot, fields: Partial<IOrder> & { createdAt: Date }): Promise<IOrder> {
    return this.save(
      this.em.create(Order, {
        bot,
        clientOrderId: `t${nextSerial()}`,
        purpose: 'open',
        symbol: bot.symbol,
        side: 'buy',
        volume: 0.1,
        requestedPrice: 2650.5,
        status: 'filled',
        updatedAt: fields.createdAt,
        ...fields,
      }),
    );
  }

  execution(
    bot: IBot,
    fields: Partial<IExecution> & { executedAt: Date; brokerPositionId: string },
  ): Promise<IExecution> {
    return this.save(
      this.em.create(Execution, {
        bot,
        brokerAccount: bot.brokerAccount,
        brokerDealId: `d${nextSerial()}`,
        entry: 'in',
        side: 'buy',
        price: 2650.5,
        volume: 0.1,
        commission: 0,
        swap: 0,
        profit: 0,
        reason: 'expert',
        ...fields,
      }),
    );
  }

  position(bot: IBot, fields: Partial<IPosition> & { openedAt: Date; brokerPositionId: string }): Promise<IPosition> {
    return this.save(
      this.em.create(Position, {
        bot,
        brokerAccount: bot.brokerAccount,
        symbol: bot.symbol,
        side: 'buy',
        volume: 0.1,
        openPrice: 2650.5,
        ...fields,
      }),
    );
  }

  audit(bot: IBot | null, fields: { event: string; createdAt: Date; workflowId?: string; runId?: string }) {
    return this.save(
      this.em.create(AuditLog, {
        bot,
        entity: 'signal',
        entityId: String(nextSerial()),
        reason: `because ${fields.event}`,
        data: { n: 1 },
        workflowId: fields.workflowId ?? null,
        runId: fields.runId ?? null,
        event: fields.event,
        createdAt: fields.createdAt,
      }),
    );
  }

  cycle(bot: IBot, fields: { startedAt: Date; outcome?: string }) {
    const n = nextSerial();
    return this.save(
      this.em.create(CycleRun, {
        bot,
        workflowId: `scalper-cycle-${bot.id}-${n}`,
        runId: `run-${n}`,
        startedAt: fields.startedAt,
        finishedAt: new Date(fields.startedAt.getTime() + 1_500),
        strategies: 1,
        bars: 100,
        signals: 1,
        decisions: 1,
        orders: 1,
        ordersFilled: 1,
        outcome: fields.outcome ?? 'completed',
      }),
    );
  }
}
