// The worker's metrics that alerts read: every order status from 0 (an alert's increase() sees the
// first), and the bots whose kill-switch tripped, read from their source at each scrape.
import { createEngineMetrics } from '../../../infra/metrics.ts';
import { ORDER_STATUSES } from '../../../trading/orders/index.ts';

describe('engine metrics', () => {
  it('exposes every order status of opens and closes from 0', async () => {
    const exposed = await createEngineMetrics().registry.metrics();
    for (const purpose of ['open', 'close']) {
      for (const status of ORDER_STATUSES)
        expect(exposed).toContain(`orders_created_total{status="${status}",purpose="${purpose}"} 0`);
    }
  });

  it('reads the tripped bots at each scrape: a lifted one leaves, an unreadable moment keeps the last', async () => {
    const answers: Array<number[] | null> = [[3, 7], [7], null, []];
    const metrics = createEngineMetrics(undefined, {
      trippedBots: async () => (answers.length > 0 ? answers.shift()! : []),
    });
    const tripped = async () =>
      [...(await metrics.registry.metrics()).matchAll(/^kill_switch_tripped\{bot="(\d+)"\} 1$/gm)].map(
        ([, bot]) => bot,
      );
    expect(await tripped()).toEqual(['3', '7']);
    expect(await tripped()).toEqual(['7']);
    expect(await tripped()).toEqual(['7']);
    expect(await tripped()).toEqual([]);
  });

  it("reads each bot's open positions and unrealised P&L from the book at each scrape: a flat bot leaves", async () => {
    const answers = [[{ bot: 3, open: 2, unrealizedPnl: -12.5 }], null, []];
    const metrics = createEngineMetrics(undefined, {
      openBook: async () => (answers.length > 0 ? answers.shift()! : []),
    });
    const read = async () => {
      const text = await metrics.registry.metrics();
      return [...text.matchAll(/^(open_positions|unrealized_pnl)\{bot="(\d+)"\} (\S+)$/gm)].map(
        ([, name, bot, value]) => `${name} ${bot} ${value}`,
      );
    };
    expect(await read()).toEqual(['open_positions 3 2', 'unrealized_pnl 3 -12.5']);
    expect(await read()).toEqual(['open_positions 3 2', 'unrealized_pnl 3 -12.5']);
    expect(await read()).toEqual([]);
  });
});
