// Which symbols a broker account offers: asked before a bot is set up on an account, or bars are
// imported for one, so that a misspelt symbol is refused at once instead of failing every cycle.
// The API and the CLI hold no broker connection, so the answer comes from what is known about the
// account's kind: paper accounts (`paper-…`) trade the paper broker's instruments. A real MT5
// adapter answers from its terminal's symbol list here.
import { paperInstruments } from './paper/instruments.ts';

export interface SymbolCatalog {
  /** The symbols `account` offers; UnknownAccountError when no broker serves such an account. */
  symbolsOf(account: string): Promise<readonly string[]>;
}

export const PAPER_ACCOUNT_PREFIX = 'paper-';

export class UnknownAccountError extends Error {
  override name = 'UnknownAccountError';
  readonly account: string;
  constructor(account: string) {
    super(`no broker serves account ${account}: paper accounts are named ${PAPER_ACCOUNT_PREFIX}<anything>`);
    this.account = account;
  }
}

export class UnknownSymbolError extends Error {
  override name = 'UnknownSymbolError';
  readonly symbol: string;
  readonly account: string;
  readonly offered: readonly string[];
  constructor(symbol: string, account: string, offered: readonly string[]) {
    super(`account ${account} offers no symbol ${symbol}; it offers ${offered.join(', ')}`);
    this.symbol = symbol;
    this.account = account;
    this.offered = offered;
  }
}

/** Every account kind the engine's brokers serve (today: paper accounts only). */
export function brokerSymbolCatalog(): SymbolCatalog {
  // The leverage sets margins only, not which symbols there are.
  const paperSymbols = paperInstruments(1).map((spec) => spec.symbol);
  return {
    async symbolsOf(account) {
      if (account.startsWith(PAPER_ACCOUNT_PREFIX)) return paperSymbols;
      throw new UnknownAccountError(account);
    },
  };
}

/** Throws UnknownSymbolError, naming what the account offers, unless it offers `symbol`. */
export async function requireSymbol(catalog: SymbolCatalog, account: string, symbol: string): Promise<void> {
  const offered = await catalog.symbolsOf(account);
  if (!offered.includes(symbol)) throw new UnknownSymbolError(symbol, account, offered);
}
