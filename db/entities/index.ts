import { AccountRiskLease } from './account-risk-lease.ts';
import { ApiToken } from './api-token.ts';
import { AuditLog } from './audit-log.ts';
import { Backtest } from './backtest.ts';
import { Bot } from './bot.ts';
import { BrokerAccount } from './broker-account.ts';
import { CycleRun } from './cycle-run.ts';
import { Decision } from './decision.ts';
import { Execution } from './execution.ts';
import { Instrument } from './instrument.ts';
import { KillSwitch } from './kill-switch.ts';
import { MarketBar } from './market-bar.ts';
import { Order } from './order.ts';
import { PaperAccount } from './paper-account.ts';
import { Position } from './position.ts';
import { Signal } from './signal.ts';

export * from './account-risk-lease.ts';
export * from './api-token.ts';
export * from './audit-log.ts';
export * from './backtest.ts';
export * from './bot.ts';
export * from './broker-account.ts';
export * from './cycle-run.ts';
export * from './decision.ts';
export * from './execution.ts';
export * from './instrument.ts';
export * from './kill-switch.ts';
export * from './market-bar.ts';
export * from './order.ts';
export * from './paper-account.ts';
export * from './position.ts';
export * from './signal.ts';

export const ALL_ENTITIES = [
  Bot,
  Instrument,
  Signal,
  Decision,
  Order,
  Execution,
  Position,
  AuditLog,
  CycleRun,
  KillSwitch,
  PaperAccount,
  MarketBar,
  ApiToken,
  BrokerAccount,
  Backtest,
  AccountRiskLease,
];
