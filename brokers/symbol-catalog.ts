// Which symbols a broker account offers: asked before a bot is set up on an account, or bars are
// imported for one, so that a misspelt symbol is refused at once instead of failing every cycle.
// Implicit paper accounts (`paper-…`) trade the paper broker's instruments; a registered account
// answers from its broker (bots/broker-directory.ts).
import { PAPER_ACCOUNT_PREFIX } from './accounts.ts';
import { paperInstruments } from './paper/instruments.ts';

export interface SymbolCatalog {
  /** The symbols `account` offers; UnknownAccountError when no broker serves such an account. */
  symbolsOf(account: string): Promise<readonly string[]>;
}

export class UnknownAccountError extends Error {
  override name = 'UnknownAccountError';
  readonly account: string;
  constructor(account: string) {
    super(
      `no broker serves account ${account}: add it with \`scalper account add\`, or name a paper account ${PAPER_ACCOUNT_PREFIX}<anything>`,
    );
    this.account = account;
  }
}

export class UnknownSymbolError extends Error {
  override name = 'UnknownSymbolError';
  readonly symbol: string;
  readonly account: string;
  readonly offered: readonly string[];
  constructor(symbol: string, account: string, offered: readonly string[]) {
    super(`account ${account} offers no symbol ${symbol}; ${offeredHint(symbol, offered)}`);
    this.symbol = symbol;
    this.account = account;
    this.offered = offered;
  }
}

/** How many offered symbols an error names: a real terminal may offer thousands. */
const NAMED_AT_MOST = 12;

/** The broker's names for the same market first (`XAUUSD` → `XAUUSDm`, `XAUUSD.r`), then the rest. */
function offeredHint(symbol: string, offered: readonly string[]): string {
  const base = symbol.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const similar = offered.filter((name) => {
    const other = name.toUpperCase().replace(/[^A-Z0-9]/g, '');
    return other.startsWith(base) || base.startsWith(other);
  });
  if (similar.length > 0) return `did you mean ${similar.slice(0, NAMED_AT_MOST).join(', ')}?`;
  const named = offered.slice(0, NAMED_AT_MOST).join(', ');
  return offered.length > NAMED_AT_MOST ? `it offers ${named} … (${offered.length} in all)` : `it offers ${named}`;
}

/** The broker behind a registered account did not answer: a bot cannot be set up on it now. */
export class AccountUnreachableError extends Error {
  override name = 'AccountUnreachableError';
  readonly account: string;
  constructor(account: string, cause: unknown) {
    super(`cannot reach account ${account}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.account = account;
  }
}

/** The implicit paper accounts: every `paper-…` name, with the paper broker's instruments. */
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
