import { brokerSymbolCatalog, requireSymbol, UnknownAccountError } from '../../../brokers/symbol-catalog.ts';

const offering = (symbols: string[]) => ({ symbolsOf: async () => symbols });

describe('requireSymbol', () => {
  it('passes a symbol the account offers', async () => {
    await expect(requireSymbol(offering(['XAUUSDm']), 'icm', 'XAUUSDm')).resolves.toBeUndefined();
  });

  it.each([
    [
      'the broker’s suffixed names for the same market',
      'XAUUSD',
      ['EURUSD.r', 'XAUUSD.r', 'XAUUSDm'],
      /did you mean XAUUSD\.r, XAUUSDm\?/,
    ],
    ['a short list in full', 'BTCUSD', ['EURUSD', 'XAUUSD'], /it offers EURUSD, XAUUSD$/],
    [
      'a long list cut, with its length',
      'BTCUSD',
      Array.from({ length: 40 }, (_, i) => `SYM${i}`),
      /it offers SYM0, .*SYM11 … \(40 in all\)$/,
    ],
  ])('names %s', async (_, symbol, offered, message) => {
    await expect(requireSymbol(offering(offered), 'icm', symbol)).rejects.toThrow(message);
  });

  it('tells how to add an account nothing serves', async () => {
    await expect(brokerSymbolCatalog().symbolsOf('icm-live')).rejects.toThrow(UnknownAccountError);
    await expect(brokerSymbolCatalog().symbolsOf('icm-live')).rejects.toThrow(/scalper account add/);
  });
});
