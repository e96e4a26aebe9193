// The backtest report in a real browser: Debian's Chromium (which .ci/run installs) opens the
// rendered file; the page must load nothing, log no error, and draw its three charts, the exits'
// labels only once zoomed in.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer-core';
import { backtestReportHtml } from '../../../backtest/report/html.ts';
import type { BacktestResult, BacktestTrade, BacktestTradeStats } from '../../../backtest/types.ts';
import type { BarColumns } from '../../../trading/bar-columns.ts';
import { createSyntheticFeed } from '../../../brokers/feeds/synthetic.ts';
import type { Bar } from '../../../trading/market.ts';
import { tradeStats } from '../../../trading/stats.ts';
import type { StrategyName } from '../../../trading/strategies/index.ts';
import { defaultBacktestSettings } from '../../support/backtests.ts';

const CHROMIUM = '/usr/bin/chromium';
const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
const SYMBOL = 'XAUUSDm';
const START = Date.UTC(2026, 2, 1);
/** One day of warm-up bars, then 20 days traded: 28,800 M1 bars, drawn as M5 candles. */
const FROM = START + DAY;
const TO = FROM + 20 * DAY;
const STARTING_BALANCE = 10_000;
const VOLUME = 0.1;
const CONTRACT_SIZE = 100;
const COMMISSION_PER_LOT_SIDE = 3.5;

const barList = createSyntheticFeed({ seed: 11 }).barsBetween(SYMBOL, START, TO);
const column = (field: keyof Bar) => Float64Array.from(barList, (bar) => bar[field]);
const bars: BarColumns = {
  openTime: column('openTime'),
  open: column('open'),
  high: column('high'),
  low: column('low'),
  close: column('close'),
  tickVolume: column('tickVolume'),
  spread: column('spread'),
};

const cents = (value: number) => Math.round(value * 100) / 100;

/** A trade held `holdMinutes` bars from `minute` of `day` of the traded period, on the side that makes it `win` or not. */
interface TradePlan {
  strategy: StrategyName;
  day: number;
  minute: number;
  holdMinutes: number;
  win: boolean;
}

function plannedTrade(plan: TradePlan, index: number): BacktestTrade {
  const first = barList.findIndex((bar) => bar.openTime === FROM + plan.day * DAY + plan.minute * MINUTE);
  const last = Math.min(first + plan.holdMinutes, barList.length) - 1;
  const [entry, exit] = [barList[first] as Bar, barList[last] as Bar];
  const rising = exit.close > entry.open;
  const side = rising === plan.win ? 'buy' : 'sell';
  const profit = cents((exit.close - entry.open) * (side === 'buy' ? 1 : -1) * VOLUME * CONTRACT_SIZE);
  const commission = -2 * COMMISSION_PER_LOT_SIDE * VOLUME;
  const closeTime = exit.openTime + MINUTE;
  return {
    positionId: `position-${index}`,
    strategy: plan.strategy,
    side,
    volume: VOLUME,
    openTime: entry.openTime,
    openPrice: entry.open,
    stopLoss: cents(entry.open * (side === 'buy' ? 0.99 : 1.01)),
    takeProfit: cents(entry.open * (side === 'buy' ? 1.01 : 0.99)),
    closeTime,
    closePrice: exit.close,
    closeReason: closeTime >= TO ? 'end_of_test' : plan.win ? 'tp' : 'sl',
    commission,
    profit,
    pnl: cents(profit + commission),
  };
}

const plans: TradePlan[] = [
  { strategy: 'pin_bar', day: 0, minute: 600, holdMinutes: 240, win: true },
  { strategy: 'range_reversion', day: 1, minute: 200, holdMinutes: 180, win: false },
  { strategy: 'pin_bar', day: 3, minute: 900, holdMinutes: 300, win: false },
  { strategy: 'pin_bar', day: 6, minute: 60, holdMinutes: 240, win: true },
  { strategy: 'range_reversion', day: 9, minute: 720, holdMinutes: 360, win: true },
  { strategy: 'range_reversion', day: 12, minute: 30, holdMinutes: 120, win: false },
  { strategy: 'pin_bar', day: 15, minute: 800, holdMinutes: 200, win: false },
  { strategy: 'range_reversion', day: 19, minute: 1300, holdMinutes: 140, win: true },
];
const trades = plans.map(plannedTrade);

function backtestStats(taken: readonly BacktestTrade[]): BacktestTradeStats {
  let streak = 0;
  let longestLosingStreak = 0;
  for (const trade of taken) {
    streak = trade.pnl < 0 ? streak + 1 : 0;
    longestLosingStreak = Math.max(longestLosingStreak, streak);
  }
  const heldMs = taken.reduce((sum, trade) => sum + trade.closeTime - trade.openTime, 0);
  return {
    ...tradeStats(
      taken.map((trade) => ({ strategy: trade.strategy, pnl: trade.pnl, closedAt: trade.closeTime })),
      STARTING_BALANCE,
    ),
    longestLosingStreak,
    exposure: heldMs / (TO - FROM),
  };
}

function equityCurve(): BacktestResult['equity'] {
  let balance = STARTING_BALANCE;
  let peak = balance;
  return trades.map((trade) => {
    balance = cents(balance + trade.pnl);
    peak = Math.max(peak, balance);
    return { time: trade.closeTime, balance, drawdownPct: ((peak - balance) / peak) * 100 };
  });
}

const ofStrategy = (strategy: StrategyName) => trades.filter((trade) => trade.strategy === strategy);
const equity = equityCurve();
const result: BacktestResult = {
  symbol: SYMBOL,
  from: FROM,
  to: TO,
  bars: (TO - FROM) / MINUTE,
  warmUpBars: (FROM - START) / MINUTE,
  startingBalance: STARTING_BALANCE,
  finalBalance: equity.at(-1)?.balance ?? STARTING_BALANCE,
  overall: backtestStats(trades),
  byStrategy: {
    pin_bar: backtestStats(ofStrategy('pin_bar')),
    range_reversion: backtestStats(ofStrategy('range_reversion')),
  },
  signals: 31,
  decisions: { opened: trades.length, ignored: 23, ignoredBy: { 'spread too wide': 15, 'position already open': 8 } },
  killSwitch: null,
  trades,
  equity,
  elapsedMs: 1234,
};

/** Per chart container: its canvases, how many have a size, and the most colours one of them shows. */
const CHART_PROBE = `[...document.querySelectorAll('[data-chart]')].map((container) => {
  const canvases = [...container.querySelectorAll('canvas')];
  const sized = canvases.filter((canvas) => canvas.width > 0 && canvas.height > 0);
  const colours = sized.map((canvas) => {
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set();
    for (let i = 0; i < pixels.length; i += 4) seen.add(pixels[i] * 16777216 + pixels[i + 1] * 65536 + pixels[i + 2] * 256 + pixels[i + 3]);
    return seen.size;
  });
  return { chart: container.dataset.chart, canvases: canvases.length, sized: sized.length, mostColours: Math.max(0, ...colours) };
})`;

const STATS_ROWS_PROBE = `Object.fromEntries([...document.querySelectorAll('tr[data-strategy]')].map((row) => [
  row.dataset.strategy,
  row.querySelector('td').textContent,
]))`;

let browser: Browser;
let directory: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: .ci/run provisions it (apt-get install -y chromium)`);
  }
  directory = await mkdtemp(join(tmpdir(), 'scalper-report-'));
  // Chromium's sandbox refuses to run as root, as CI containers do.
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args });
});

afterAll(async () => {
  await browser?.close();
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
});

describe('backtest report in Chromium', () => {
  it('loads nothing, logs no error, draws its three charts and shows the stats per strategy', async () => {
    const overall = result.overall;
    expect([overall.wins > 0, overall.losses > 0]).toEqual([true, true]);
    const file = join(directory, 'report.html');
    await writeFile(file, backtestReportHtml(result, defaultBacktestSettings(FROM, TO, 11), bars));
    const fileUrl = pathToFileURL(file).href;

    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    const requests: string[] = [];
    const failedRequests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    page.on('request', (request) => requests.push(request.url()));
    page.on('requestfailed', (request) => failedRequests.push(request.url()));
    await page.setViewport({ width: 1400, height: 1000 });
    await page.goto(fileUrl, { waitUntil: 'load' });
    const ready = await page.waitForSelector('body[data-charts-ready="true"]', { timeout: 20_000 }).then(
      () => true,
      () => false,
    );

    expect({ consoleErrors, pageErrors, failedRequests }).toEqual({
      consoleErrors: [],
      pageErrors: [],
      failedRequests: [],
    });
    expect(requests).toEqual([fileUrl]);
    expect(ready).toBe(true);
    expect(await page.evaluate('document.body.dataset.chartCount')).toBe('3');

    const charts = (await page.evaluate(CHART_PROBE)) as Array<Record<string, unknown>>;
    expect(charts.map((chart) => chart.chart)).toEqual(['price', 'equity', 'drawdown']);
    for (const chart of charts) {
      expect(chart.sized).toBeGreaterThan(0);
      // A blank canvas is one colour; a drawn chart has its background, lines and labels.
      expect(chart.mostColours).toBeGreaterThan(2);
    }

    expect(await page.evaluate(STATS_ROWS_PROBE)).toEqual({
      overall: String(trades.length),
      pin_bar: String(ofStrategy('pin_bar').length),
      range_reversion: String(ofStrategy('range_reversion').length),
    });
    expect(await page.title()).toContain(`Backtest ${SYMBOL}`);
    expect(await page.evaluate(`[...document.querySelectorAll('h2')].map((heading) => heading.textContent)`)).toContain(
      'Price, M5 candles',
    );

    // 5,760 candles in view: the exits show as dots; zoomed in to a few hundred, with their labels.
    const labels = () => page.evaluate('document.body.dataset.markerLabels');
    expect(await labels()).toBe('hidden');
    // The wheel zooms the chart under the pointer, which must be in view.
    const chart = (await page.$('[data-chart="price"]'))!;
    await chart.scrollIntoView();
    const box = await chart.boundingBox();
    await page.mouse.move(box!.x + box!.width / 2, box!.y + box!.height / 2);
    for (let zoom = 0; zoom < 60 && (await labels()) === 'hidden'; zoom++) {
      await page.mouse.wheel({ deltaY: -300 });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await labels()).toBe('shown');
    expect({ consoleErrors, pageErrors }).toEqual({ consoleErrors: [], pageErrors: [] });
  });
});
