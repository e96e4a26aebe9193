export { scalperCycle } from './scalper-cycle.ts';
