// The `scalper` command line: bots set up, listed, paused and resumed from a terminal.
import { Command, InvalidArgumentError } from 'commander';
import { decodeMt5File } from '../brokers/feeds/mt5-csv.ts';
import { importMt5Csv } from '../brokers/feeds/market-bars.ts';
import { Bot } from '../db/entities/index.ts';
import { STRATEGY_NAMES, type StrategyName } from '../trading/strategies/index.ts';
import type { EngineConnection } from './engine-connection.ts';

type Print = (line: string) => void;

function integer(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new InvalidArgumentError('not a whole number');
  return parsed;
}

function strategies(value: string): StrategyName[] {
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(STRATEGY_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown ${unknown.join(', ')}; known: ${STRATEGY_NAMES.join(', ')}`);
  return names as StrategyName[];
}

/** Builds the program; `connect` is called only by commands that need the engine. */
export function buildProgram(connect: () => Promise<EngineConnection>, print: Print): Command {
  const withEngine =
    <A extends unknown[]>(action: (engine: EngineConnection, ...args: A) => Promise<void>) =>
    async (...args: A) => {
      const engine = await connect();
      try {
        await action(engine, ...args);
      } finally {
        await engine.close();
      }
    };

  const program = new Command('scalper').description('Operate scalper-engine bots').exitOverride();

  program
    .command('setup-bot')
    .description('Create a scalper bot and its 45-second schedule (the seed system\'s setup_scalper_bot)')
    .requiredOption('--symbol <symbol>', 'MT5 symbol, e.g. XAUUSDm')
    .option('--name <name>', 'bot name (default: scalper-<symbol>)')
    .option('--auto-trade', 'send orders for decisions that pass the risk checks', false)
    .option('--strategies <list>', `comma-separated, of ${STRATEGY_NAMES.join(', ')}`, strategies)
    .option('--account <login>', 'broker account (paper accounts: paper-…)', 'paper-1')
    .option('--interval <seconds>', 'seconds between cycles', integer, 45)
    .option('--paused', 'create it with its schedule paused', false)
    .action(
      withEngine(async (engine, options: { symbol: string; name?: string; autoTrade: boolean; strategies?: StrategyName[]; account: string; interval: number; paused: boolean }) => {
        const bot = await engine.bots.create({
          name: options.name ?? `scalper-${options.symbol.toLowerCase()}`,
          symbol: options.symbol,
          autoTrade: options.autoTrade,
          ...(options.strategies ? { enabledStrategies: options.strategies } : {}),
          brokerAccount: options.account,
          scheduleIntervalSeconds: options.interval,
          paused: options.paused,
        });
        print(`created bot ${bot.id} ${bot.name}: ${bot.symbol}, ${bot.enabledStrategies.join(', ')}, auto-trade ${bot.autoTrade ? 'on' : 'off'}`);
        print(`schedule scalper-bot-${bot.id}: every ${bot.scheduleIntervalSeconds} s${options.paused ? ', paused' : ''}`);
      }),
    );

  program
    .command('bots')
    .description('List bots with the state of their schedules in Temporal')
    .action(
      withEngine(async (engine) => {
        const bots = await engine.orm.em.fork().find(Bot, { deletedAt: null }, { orderBy: { id: 'asc' } });
        if (bots.length === 0) print('no bots: create one with `scalper setup-bot --symbol XAUUSDm`');
        for (const bot of bots) {
          const schedule = await engine.schedules.state(bot.id);
          const state = !schedule.exists ? 'no schedule' : schedule.paused ? `paused (${schedule.note ?? 'no note'})` : 'running';
          print(`${bot.id}\t${bot.name}\t${bot.symbol}\tauto-trade ${bot.autoTrade ? 'on' : 'off'}\tscalper-bot-${bot.id}: ${state}`);
        }
      }),
    );

  for (const [name, verb] of [['pause', 'Pause'], ['resume', 'Resume']] as const) {
    program
      .command(`${name} <botId>`)
      .description(`${verb} a bot's schedule`)
      .option('--reason <text>', 'note kept on the schedule and in the audit log', `${name}d from the CLI`)
      .action(
        withEngine(async (engine, botId: string, options: { reason: string }) => {
          const bot = await engine.bots[name](integer(botId), options.reason);
          print(`bot ${bot.id} ${name === 'pause' ? 'paused' : 'resumed'}: ${options.reason}`);
        }),
      );
  }

  program
    .command('halt')
    .description('Global kill-switch: no order is sent once this returns; every bot is paused')
    .requiredOption('--reason <text>', 'why')
    .option('--flatten', 'also close every open position at market', false)
    .action(
      withEngine(async (engine, options: { reason: string; flatten: boolean }) => {
        const result = await engine.killSwitch.halt(options.reason, { flatten: options.flatten });
        print(`halted: ${options.reason}; paused bots ${result.pausedBots.join(', ') || 'none'}`);
        for (const flat of result.flattened) print(`bot ${flat.botId}: closed ${flat.closed.length}, refused ${flat.failed.length}`);
      }),
    );

  program
    .command('unhalt')
    .description('Lift the global kill-switch and resume the bots the halt paused')
    .requiredOption('--reason <text>', 'why')
    .action(
      withEngine(async (engine, options: { reason: string }) => {
        const result = await engine.killSwitch.resume(options.reason);
        print(`resumed: ${options.reason}; bots ${result.resumedBots.join(', ') || 'none'}`);
      }),
    );

  program
    .command('import-bars <file>')
    .description('Import an MT5 bar export (<DATE> <TIME> <OPEN> <HIGH> <LOW> <CLOSE> <TICKVOL> <VOL> <SPREAD>)')
    .requiredOption('--symbol <symbol>', 'symbol the bars belong to')
    .option('--utc-offset <minutes>', 'broker server time minus UTC, in minutes (GMT+2: 120)', integer, 0)
    .action(
      withEngine(async (engine, file: string, options: { symbol: string; utcOffset: number }) => {
        const text = decodeMt5File(await engine.readFile(file));
        const count = await importMt5Csv(engine.orm, text, { symbol: options.symbol, source: file, brokerUtcOffsetMinutes: options.utcOffset });
        print(`imported ${count} ${options.symbol} bars from ${file}`);
      }),
    );

  return program;
}
