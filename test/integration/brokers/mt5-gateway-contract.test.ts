// The broker contract against the mt5-gateway adapter and the real gateway process on its
// simulated MT5 terminal (broker server time UTC+2, so every time crosses the conversion).
import { type GatewayProcess, startGateway } from '../../support/gateway-process.ts';
import { describeBrokerContract } from '../../unit/brokers/contract/broker-contract.ts';
import { GATEWAY_TRADE_TIMEOUT_MS, gatewayContractHarness, SERVER_UTC_OFFSET_HOURS } from './mt5-gateway-harness.ts';

let gateway: GatewayProcess;

beforeAll(async () => {
  gateway = await startGateway({
    token: 'contract-token',
    tradeTimeoutMs: GATEWAY_TRADE_TIMEOUT_MS,
    serverUtcOffsetHours: SERVER_UTC_OFFSET_HOURS,
  });
}, 300_000);

afterAll(() => gateway?.stop());

describeBrokerContract('mt5-gateway', (setup) => gatewayContractHarness(gateway, setup));
