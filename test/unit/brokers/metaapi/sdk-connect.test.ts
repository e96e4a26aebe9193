// The default connect over the real SDK's API, with the SDK module replaced by a stand-in: that
// the SDK is imported only when a broker is first used (never by creating one, nor by importing the
// adapter), and that connecting deploys, opens and synchronizes the RPC connection in order.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';
import { FakeMetaApiConnection, XAUUSDM } from './fake-connection.ts';
import { START } from './harness.ts';

const sdk = {
  loads: 0,
  constructed: [] as Array<[string, unknown]>,
  steps: [] as string[],
  state: 'DEPLOYED',
  syncFailure: null as Error | null,
  rpc: new FakeMetaApiConnection(START).addSymbol(XAUUSDM),
};

/** The SDK's MetatraderAccount, as far as connecting and candles go. */
function fakeAccount() {
  const rpc = Object.assign(sdk.rpc, {
    connect: async () => void sdk.steps.push('connect'),
    waitSynchronized: async (seconds: number) => {
      sdk.steps.push(`waitSynchronized ${seconds}`);
      if (sdk.syncFailure) throw sdk.syncFailure;
    },
    close: async () => void sdk.steps.push('rpc.close'),
  });
  return {
    state: sdk.state,
    waitDeployed: async (seconds: number) => void sdk.steps.push(`waitDeployed ${seconds}`),
    getRPCConnection: () => rpc,
    getHistoricalCandles: rpc.getHistoricalCandles.bind(rpc),
  };
}

jest.unstable_mockModule('metaapi.cloud-sdk/esm-node', () => {
  sdk.loads++;
  class MetaApi {
    readonly metatraderAccountApi = {
      getAccount: async (accountId: string) => {
        sdk.steps.push(`getAccount ${accountId}`);
        return fakeAccount();
      },
    };
    constructor(token: string, options: unknown) {
      sdk.constructed.push([token, options]);
    }
    close(): void {
      sdk.steps.push('api.close');
    }
  }
  return { default: MetaApi };
});

const { createMetaApiBroker } = await import('../../../../brokers/metaapi/index.ts');
const { connectWithSdk } = await import('../../../../brokers/metaapi/sdk-connect.ts');

beforeEach(() => {
  sdk.constructed.length = 0;
  sdk.steps.length = 0;
  sdk.state = 'DEPLOYED';
  sdk.syncFailure = null;
});

const ADAPTER = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../brokers/metaapi/index.ts');

/**
 * Every module `entry` loads statically, ours followed file by file: `import type` is erased, any
 * other import or re-export loads its module. Returns the files walked and the packages reached.
 */
function staticImports(entry: string): { files: string[]; packages: Set<string> } {
  const files: string[] = [];
  const packages = new Set<string>();
  const pending = [entry];
  const statement = /^\s*(?:import|export)\s+(?!type\s)(?:[^;'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.includes(file)) continue;
    files.push(file);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(statement)) {
      if (specifier!.startsWith('.')) pending.push(resolve(dirname(file), specifier!));
      else packages.add(specifier!);
    }
  }
  return { files, packages };
}

describe('metaapi adapter: the SDK', () => {
  it('is never imported statically by the adapter, only dynamically by sdk-connect.ts', () => {
    const { files, packages } = staticImports(ADAPTER);
    expect(files.map((f) => f.slice(f.indexOf('brokers/')))).toEqual(
      expect.arrayContaining(['brokers/metaapi/index.ts', 'brokers/metaapi/sdk-connect.ts', 'brokers/retcodes.ts']),
    );
    expect([...packages].filter((p) => p.startsWith('metaapi.cloud-sdk'))).toEqual([]);
    const connect = readFileSync(resolve(dirname(ADAPTER), 'sdk-connect.ts'), 'utf8');
    expect(connect).toContain("await import('metaapi.cloud-sdk/esm-node')");
  });

  it('is imported on first use only: not by importing the adapter, nor by creating a broker', async () => {
    expect(sdk.loads).toBe(0);
    const broker = createMetaApiBroker({ name: 'demo-1', token: 'token-1', accountId: 'account-1' });
    expect(broker.name).toBe('demo-1');
    expect(sdk.loads).toBe(0);
    expect((await broker.quote('XAUUSDm')).bid).toBe(2000);
    expect(sdk.loads).toBe(1);
    await broker.account();
    expect(sdk.constructed).toEqual([['token-1', {}]]);
  });

  it('connects in order: the account, deployed, the RPC connection open and synchronized', async () => {
    const session = await connectWithSdk({ token: 't', accountId: 'acc-9', region: 'london', timeoutMs: 90_500 });
    expect(sdk.constructed).toEqual([['t', { region: 'london' }]]);
    expect(sdk.steps).toEqual(['getAccount acc-9', 'waitDeployed 91', 'connect', 'waitSynchronized 91']);
    expect(session.rpc).toBe(sdk.rpc);
    expect(await session.account.getHistoricalCandles('XAUUSDm', '1m', new Date(START), 10)).toEqual([]);
  });

  it('waits for an account that is deploying', async () => {
    sdk.state = 'DEPLOYING';
    await connectWithSdk({ token: 't', accountId: 'acc-9', timeoutMs: 1_000 });
    expect(sdk.steps).toEqual(['getAccount acc-9', 'waitDeployed 1', 'connect', 'waitSynchronized 1']);
  });

  it.each(['UNDEPLOYED', 'UNDEPLOYING', 'DELETING'])(
    'refuses an account that is %s, connecting nothing',
    async (state) => {
      sdk.state = state;
      await expect(connectWithSdk({ token: 't', accountId: 'acc-9', timeoutMs: 1_000 })).rejects.toThrow(
        `MetaApi account acc-9 is ${state}: deploy it in MetaApi before trading on it`,
      );
      expect(sdk.steps).toEqual(['getAccount acc-9', 'api.close']);
    },
  );

  it('closes the SDK client when connecting fails part-way', async () => {
    sdk.syncFailure = Object.assign(new Error('not synchronized in time'), { name: 'TimeoutError' });
    await expect(connectWithSdk({ token: 't', accountId: 'acc-9', timeoutMs: 1_000 })).rejects.toBe(sdk.syncFailure);
    expect(sdk.steps.slice(-2)).toEqual(['waitSynchronized 1', 'api.close']);
  });

  it('closing the session closes the RPC connection and the SDK client (its websocket and timers)', async () => {
    const session = await connectWithSdk({ token: 't', accountId: 'acc-9', timeoutMs: 1_000 });
    sdk.steps.length = 0;
    await session.close?.();
    expect(sdk.steps).toEqual(['rpc.close', 'api.close']);
  });

  it('a broker whose connection is gone closes all of the old session before connecting afresh', async () => {
    const broker = createMetaApiBroker({ name: 'demo-1', token: 'token-1', accountId: 'account-1' });
    await broker.account();
    sdk.steps.length = 0;
    sdk.rpc.failNext('getPositions', Object.assign(new Error('gone'), { name: 'NotConnectedError' }));
    await expect(broker.positions()).rejects.toThrow('gone');
    await broker.positions();
    expect(sdk.steps).toEqual([
      'rpc.close',
      'api.close',
      'getAccount account-1',
      'waitDeployed 120',
      'connect',
      'waitSynchronized 120',
    ]);
  });
});
