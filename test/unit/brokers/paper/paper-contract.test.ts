import { createMemoryStateStore } from '../../../../brokers/paper/index.ts';
import { describeBrokerContract } from '../contract/broker-contract.ts';
import { paperContractHarness } from '../contract/paper-harness.ts';

describeBrokerContract('paper', (setup) => paperContractHarness(setup, createMemoryStateStore()));
