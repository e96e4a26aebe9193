// The `scalper` command line: bots set up, listed, paused and resumed from a terminal; backtests run.
import { Command } from 'commander';
import { killSwitchTripOf } from '../bots/trading-state.ts';
import type { DatabaseConnection, WithConnection } from './database-connection.ts';
import type { EngineConnection } from './engine-connection.ts';
import { integer } from './options.ts';
import { addAccountCommands } from './account-commands.ts';
import { addBacktestCommand } from './backtest-command.ts';
import { addConfigureCommand, addSetupBotCommand } from './bot-commands.ts';
import { addImportBarsCommand } from './import-bars-command.ts';
import { addTokenCommands } from './token-commands.ts';

type Print = (line: string) => void;

/** What `scalper show` prints of a bot, besides its trading state and schedule. */
const SHOWN_SETTINGS = [
  'id',
  'name',
  'symbol',
  'status',
  'autoTrade',
  'enabledStrategies',
  'strategyParams',
  'riskSettings',
  'brokerAccount',
  'magic',
  'lookback',
  'scheduleIntervalSeconds',
  'barCloseDelaySeconds',
  'version',
] as const;

/** How a command connects: to the database alone, or to the engine (the database and Temporal). */
export interface Connectors {
  database: () => Promise<DatabaseConnection>;
  engine: () => Promise<EngineConnection>;
}

/** An action run with the connection `connect` opens, closed after it. */
function withConnection<C extends { close(): Promise<void> }>(connect: () => Promise<C>): WithConnection<C> {
  return (action) =>
    async (...args) => {
      const connection = await connect();
      try {
        await action(connection, ...args);
      } finally {
        await connection.close();
      }
    };
}

/** Builds the program; a command connects when it runs, to only what it needs. */
export function buildProgram(connect: Connectors, print: Print): Command {
  const withEngine = withConnection(connect.engine);
  const withDatabase = withConnection(connect.database);

  const program = new Command('scalper').description('Operate scalper-engine bots').exitOverride();

  addSetupBotCommand(program, withEngine, print);

  program
    .command('bots')
    .description('List bots: id, trading state, name, symbol, auto-trade, schedule in Temporal')
    .action(
      withEngine(async (engine) => {
        const views = await engine.bots.list();
        if (views.length === 0) print('no bots: create one with `scalper setup-bot --symbol XAUUSDm`');
        for (const { bot, schedule, tradingState } of views) {
          const state = !schedule.exists
            ? 'no schedule'
            : schedule.paused
              ? `paused (${schedule.note ?? 'no note'})`
              : 'running';
          const trip = killSwitchTripOf(bot);
          const tripped = trip ? `\tkill-switch tripped ${trip.trippedAt.toISOString()}` : '';
          // The trading state first: it is what the bot does, whatever its status says was asked.
          print(
            `${bot.id}\t${tradingState.state}\t${bot.name}\t${bot.symbol}\tauto-trade ${bot.autoTrade ? 'on' : 'off'}\tscalper-bot-${bot.id}: ${state}${tripped}`,
          );
        }
      }),
    );

  program
    .command('show')
    .argument('<botId>', 'bot id', integer)
    .description("A bot's trading state, settings, schedule and open positions")
    .action(
      withEngine(async (engine, botId: number) => {
        const { bot, schedule, tradingState, openPositions } = await engine.bots.detail(botId);
        const settings = Object.fromEntries(SHOWN_SETTINGS.map((field) => [field, bot[field]]));
        const shown = {
          tradingState: { state: tradingState.state, reason: tradingState.reason },
          killSwitch: killSwitchTripOf(bot),
          ...settings,
          schedule,
          openPositions,
        };
        print(JSON.stringify(shown, null, 2));
      }),
    );

  addConfigureCommand(program, withEngine, print);

  program
    .command('delete')
    .argument('<botId>', 'bot id', integer)
    .description('Delete a flat bot: its schedule goes, its audit trail stays')
    .option('--reason <text>', 'kept in the audit log', 'deleted from the CLI')
    .action(
      withEngine(async (engine, botId: number, options: { reason: string }) => {
        await engine.bots.remove(botId, options.reason);
        print(`bot ${botId} deleted: ${options.reason}`);
      }),
    );

  for (const [name, verb] of [
    ['pause', 'Pause a bot: no more cycles; its open positions keep their SL/TP at the broker'],
    ['resume', 'Resume a bot: cycles run and may open positions'],
    ['reduce', 'Reduce a bot: cycles run and manage its positions, nothing new opens'],
  ] as const) {
    const command = program
      .command(name)
      .argument('<botId>', 'bot id', integer)
      .description(verb)
      .option(
        '--reason <text>',
        'note kept on the schedule and in the audit log',
        `${name.replace(/e$/, '')}ed from the CLI`,
      );
    if (name !== 'pause')
      command.option(
        '--lift-kill-switch',
        'also lift a pause of the automatic kill-switch (look at why it tripped first; its flatten then ends)',
      );
    command.action(
      withEngine(async (engine, botId: number, options: { reason: string; liftKillSwitch?: boolean }) => {
        const bot = await engine.bots[name](botId, options.reason, { liftKillSwitch: options.liftKillSwitch === true });
        print(`bot ${bot.id} ${bot.status}: ${options.reason}`);
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
        for (const flat of result.flattened) {
          print(`bot ${flat.botId}: closed ${flat.closed.length}, refused ${flat.failed.length}`);
          // A refused close leaves a position open: say which, and why, so a human can act.
          for (const refused of flat.failed) {
            const why = refused.retcode === null ? refused.status : `${refused.retcode} ${refused.retcodeName}`;
            print(`  position ${refused.ticket} still open: ${why}`);
          }
        }
        for (const failure of result.failures) {
          const handed = failure.untilFlat === null ? '' : `; ${failure.untilFlat} keeps closing until it is flat`;
          print(`bot ${failure.botId}: ${failure.step} failed: ${failure.error}${handed}`);
          // Halted, but not everything the operator asked for happened: a script must see it.
          process.exitCode = 1;
        }
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
        for (const failure of result.failures) {
          print(`bot ${failure.botId}: resume failed, it stays paused: ${failure.error}`);
          process.exitCode = 1;
        }
      }),
    );

  addImportBarsCommand(program, withDatabase, print);
  addTokenCommands(program, withDatabase, print);
  addAccountCommands(program, withDatabase, print);
  addBacktestCommand(program, connect.database, print, process.stderr);
  return program;
}
