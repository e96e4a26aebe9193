// The default connect: the real metaapi.cloud-sdk. The SDK is heavy (socket.io, its own history
// storage, copy-factory and metastats clients), so it is imported here, on first use, and never by
// a worker that has no MetaApi account. Its Node build is the `esm-node` entry: the package's plain
// `import` condition points at the browser bundle, which fails under Node (`window is not defined`).
import type { ConnectMetaApi, MetaApiSession } from './sdk-types.ts';

/** Accounts in these states are on their way to (or in) service; any other needs an operator. */
const DEPLOYED_STATES = ['DEPLOYED', 'DEPLOYING'];

export const connectWithSdk: ConnectMetaApi = async ({ token, accountId, region, timeoutMs }) => {
  const { default: MetaApi } = await import('metaapi.cloud-sdk/esm-node');
  const api = new MetaApi(token, region === undefined ? {} : { region });
  // The client holds a websocket and timers of its own: a connect that fails closes it.
  try {
    const account = await api.metatraderAccountApi.getAccount(accountId);
    if (!DEPLOYED_STATES.includes(account.state))
      throw new Error(`MetaApi account ${accountId} is ${account.state}: deploy it in MetaApi before trading on it`);
    const timeoutSeconds = Math.ceil(timeoutMs / 1000);
    await account.waitDeployed(timeoutSeconds);
    const rpc = account.getRPCConnection();
    await rpc.connect();
    await rpc.waitSynchronized(timeoutSeconds);
    const close = async () => {
      try {
        await rpc.close();
      } finally {
        api.close();
      }
    };
    const session: MetaApiSession = { rpc, account, close };
    return session;
  } catch (error) {
    api.close();
    throw error;
  }
};
