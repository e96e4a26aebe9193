// The paper broker as the contract suite drives it, over whichever state store is under test.
import { MINUTE_MS } from '../../../../brokers/feeds/feed.ts';
import { createReplayFeed } from '../../../../brokers/feeds/replay.ts';
import { createPaperBroker, type PaperStateStore } from '../../../../brokers/paper/index.ts';
import { CONTRACT_SYMBOL, type ContractHarness, type ContractSetup } from './broker-contract.ts';

export function paperContractHarness(setup: ContractSetup, store: PaperStateStore, login?: string): ContractHarness {
  let now = setup.start + MINUTE_MS / 2;
  const bars = setup.bars.flatMap((bar, minute) =>
    bar === null
      ? []
      : [{ ...bar, openTime: setup.start + minute * MINUTE_MS, tickVolume: 10, spread: setup.spreadPoints }],
  );
  const broker = createPaperBroker({
    store,
    feed: createReplayFeed([{ symbol: CONTRACT_SYMBOL, point: 0.01, bars }]),
    clock: { now: () => now },
    account: { ...(login ? { login } : {}), mode: setup.mode, balance: setup.balance, leverage: 100 },
    session: () => setup.marketOpen,
    commissionPerLot: setup.commissionPerLot,
    faults: { script: setup.faults },
  });
  return {
    broker,
    advanceMinutes(minutes) {
      now += minutes * MINUTE_MS;
    },
  };
}
