// One MetaApi session per broker: connected on first use, shared, dropped when connecting failed or
// the SDK says the connection is gone; every call bounded by the adapter's own timeouts.
import { BrokerTimeoutError } from '../../../../brokers/errors.ts';
import { createMetaApiBroker, DEFAULT_TIMEOUTS } from '../../../../brokers/metaapi/index.ts';
import type { ConnectMetaApi, MetaApiConnectSettings } from '../../../../brokers/metaapi/sdk-types.ts';
import { EURUSD, FakeMetaApiConnection, FakeNotConnectedError, FakeTimeoutError, XAUUSDM } from './fake-connection.ts';
import { START } from './harness.ts';

function counting(make: (attempt: number) => Promise<FakeMetaApiConnection>) {
  const settings: MetaApiConnectSettings[] = [];
  const connections: FakeMetaApiConnection[] = [];
  const connect: ConnectMetaApi = async (given) => {
    settings.push(given);
    const rpc = await make(settings.length);
    connections.push(rpc);
    return { rpc, account: rpc };
  };
  return { connect, settings, connections };
}

const fresh = () => Promise.resolve(new FakeMetaApiConnection(START).addSymbol(XAUUSDM).addSymbol(EURUSD));

function broker(connect: ConnectMetaApi, extra: Partial<Parameters<typeof createMetaApiBroker>[0]> = {}) {
  return createMetaApiBroker({ name: 'demo-1', token: 'token-1', accountId: 'account-1', connect, ...extra });
}

describe('metaapi adapter: session', () => {
  it('connects on first use only, with the account settings, and shares the session', async () => {
    const { connect, settings } = counting(fresh);
    const port = broker(connect, { region: 'london' });
    expect(port.name).toBe('demo-1');
    expect(settings).toEqual([]);
    await Promise.all([port.account(), port.quote('XAUUSDm'), port.symbols()]);
    await port.positions();
    expect(settings).toEqual([
      { token: 'token-1', accountId: 'account-1', timeoutMs: DEFAULT_TIMEOUTS.connectMs, region: 'london' },
    ]);
  });

  it('passes no region when none is configured, and the configured connect timeout', async () => {
    const { connect, settings } = counting(fresh);
    await broker(connect, { timeouts: { connectMs: 5_000 } }).account();
    expect(settings).toEqual([{ token: 'token-1', accountId: 'account-1', timeoutMs: 5_000 }]);
  });

  it('forgets a failed connect: the next call connects afresh', async () => {
    const { connect, settings } = counting((attempt) =>
      attempt === 1 ? Promise.reject(new Error('account not deployed')) : fresh(),
    );
    const port = broker(connect);
    await expect(port.account()).rejects.toThrow('account not deployed');
    expect((await port.account()).login).toBe('51234567');
    expect(settings).toHaveLength(2);
  });

  it('bounds connecting by connectMs, then connects afresh', async () => {
    const { connect, settings } = counting((attempt) =>
      attempt === 1 ? new Promise<never>(() => undefined) : fresh(),
    );
    const port = broker(connect, { timeouts: { connectMs: 20 } });
    await expect(port.account()).rejects.toThrow(
      new BrokerTimeoutError('metaapi demo-1: connect: no answer within 20 ms'),
    );
    expect((await port.account()).currency).toBe('USD');
    expect(settings).toHaveLength(2);
  });

  it('closes a connect that opens only after its timeout', async () => {
    let open: (connection: FakeMetaApiConnection) => void = () => undefined;
    const late = new Promise<FakeMetaApiConnection>((resolve) => (open = resolve));
    const { connect } = counting((attempt) => (attempt === 1 ? late : fresh()));
    const port = broker(connect, { timeouts: { connectMs: 20 } });
    await expect(port.account()).rejects.toBeInstanceOf(BrokerTimeoutError);
    const stray = await fresh();
    open(stray);
    await new Promise((resolve) => setImmediate(resolve));
    expect(stray.closed).toBe(true);
  });

  it('drops and closes a session the SDK says is gone (NotConnectedError); the next call reconnects', async () => {
    const { connect, connections } = counting(fresh);
    const port = broker(connect);
    await port.account();
    connections[0]!.failNext('getPositions', new FakeNotConnectedError('closed'));
    await expect(port.positions()).rejects.toMatchObject({ name: 'NotConnectedError' });
    await port.positions();
    expect(connections).toHaveLength(2);
    expect(connections[0]!.closed).toBe(true);
    expect(connections[1]!.closed).toBe(false);
  });

  it('keeps the session after any other failure', async () => {
    const { connect, connections } = counting(fresh);
    const port = broker(connect);
    await port.account();
    connections[0]!.failNext('getSymbols', new Error('NotFoundError'));
    await expect(port.symbols()).rejects.toThrow('NotFoundError');
    await port.symbols();
    expect(connections).toHaveLength(1);
  });

  it('turns an SDK TimeoutError on a read into BrokerTimeoutError', async () => {
    const { connect, connections } = counting(fresh);
    const port = broker(connect);
    await port.account();
    connections[0]!.failNext('getSymbolPrice', new FakeTimeoutError('request timed out'));
    const reading = port.quote('XAUUSDm');
    await expect(reading).rejects.toBeInstanceOf(BrokerTimeoutError);
    await expect(reading).rejects.toThrow('metaapi demo-1: quote XAUUSDm: MetaApi timed out (request timed out)');
  });

  it('bounds every read by readMs', async () => {
    const { connect, connections } = counting(fresh);
    const port = broker(connect, { timeouts: { readMs: 20 } });
    await port.account();
    connections[0]!.getPositions = () => new Promise<never>(() => undefined);
    await expect(port.positions()).rejects.toThrow(
      new BrokerTimeoutError('metaapi demo-1: positions: no answer within 20 ms'),
    );
  });
});
