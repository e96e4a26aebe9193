import { implicitPaperAccount, parseConnection, type BrokerAccountConfig } from '../../../brokers/accounts.ts';
import { brokerBlockOf, type ReconciliationMark } from '../../../bots/broker-readiness.ts';

function gateway(environment: 'demo' | 'live', liveTradingEnabled = false): BrokerAccountConfig {
  return {
    name: 'icm',
    environment,
    liveTradingEnabled,
    connection: parseConnection('mt5-gateway', { url: 'http://10.0.0.5:8765', tokenEnv: 'ICM_TOKEN' }),
  };
}

const never: ReconciliationMark = { startupReconciledAt: null, startupReconcileError: null };
const reconciled = { startupReconciledAt: new Date(), startupReconcileError: null };
const failed = { startupReconciledAt: null, startupReconcileError: 'connection refused' };

describe('brokerBlockOf', () => {
  it.each<[string, BrokerAccountConfig | null, ReconciliationMark, RegExp | null]>([
    ['a paper account never blocks', implicitPaperAccount('paper-1'), never, null],
    ['an unknown account blocks', null, reconciled, /no broker serves account icm/],
    ['a demo account not yet reconciled since the start waits', gateway('demo'), never, /waiting for the start-up/],
    ['a demo account reconciled since the start trades', gateway('demo'), reconciled, null],
    ['a failed reconciliation says why', gateway('demo'), failed, /failed: connection refused/],
    ['a live account without the opt-in blocks, reconciled or not', gateway('live'), reconciled, /live trading is off/],
    ['a live account with the opt-in trades once reconciled', gateway('live', true), reconciled, null],
    ['a live account with the opt-in still waits for reconciliation', gateway('live', true), never, /waiting/],
  ])('%s', (_, account, mark, expected) => {
    const block = brokerBlockOf('icm', account, mark);
    if (expected === null) expect(block).toBeNull();
    else expect(block).toMatch(expected);
  });
});
