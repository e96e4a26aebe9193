import { AuditLog } from './audit-log.ts';
import { Bot } from './bot.ts';
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

export { AuditLog, Bot, CycleRun, Decision, Execution, Instrument, KillSwitch, MarketBar, Order, PaperAccount, Position, Signal };

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
];
