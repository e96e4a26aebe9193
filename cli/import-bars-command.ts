// `scalper import-bars`: an MT5 bar export stored for backtests on the database source, its times
// read on the broker server's clock (a fixed offset, or a zone's clock that changes with summer
// time), and, with --replace, the symbol's bars in the file's span or from an earlier import of
// it removed first.
import { type Command, Option } from 'commander';
import { importMt5Csv } from '../brokers/feeds/market-bars.ts';
import { decodeMt5File } from '../brokers/feeds/mt5-csv.ts';
import { type ServerClock, serverClockText } from '../brokers/feeds/server-clock.ts';
import { requireSymbol } from '../brokers/symbol-catalog.ts';
import type { WithDatabase } from './database-connection.ts';
import { SERVER_CLOCK_HELP, serverClock, utcOffsetMinutes } from './options.ts';

export function addImportBarsCommand(
  program: Command,
  withDatabase: WithDatabase,
  print: (line: string) => void,
): void {
  program
    .command('import-bars <file>')
    .description('Import an MT5 bar export (<DATE> <TIME> <OPEN> <HIGH> <LOW> <CLOSE> <TICKVOL> <VOL> <SPREAD>)')
    .requiredOption('--symbol <symbol>', 'symbol the bars belong to')
    .option('--account <login>', 'broker account whose symbol it is', 'paper-1')
    .option('--utc-offset <minutes>', 'broker server time minus UTC, in minutes (GMT+2: 120)', utcOffsetMinutes, 0)
    .addOption(
      new Option('--server-clock <zone[±hours]>', SERVER_CLOCK_HELP).argParser(serverClock).conflicts('utcOffset'),
    )
    .option(
      '--replace',
      "first remove the symbol's stored bars from the file's first minute to its last, and those an earlier import of this file stored (read again with another clock)",
      false,
    )
    .action(
      withDatabase(
        async (
          database,
          file: string,
          options: { symbol: string; account: string; utcOffset: number; serverClock?: ServerClock; replace: boolean },
        ) => {
          await requireSymbol(database.symbols, options.account, options.symbol);
          const text = decodeMt5File(await database.readFile(file));
          const clock = options.serverClock ?? { kind: 'offset', utcOffsetMinutes: options.utcOffset };
          const { stored, removed } = await importMt5Csv(database.orm, text, {
            symbol: options.symbol,
            source: file,
            serverClock: clock,
            replace: options.replace,
          });
          const replaced = options.replace ? `; ${removed} stored before removed first` : '';
          print(
            `imported ${stored} ${options.symbol} bars from ${file} (server times read as ${serverClockText(clock)})${replaced}`,
          );
        },
      ),
    );
}
