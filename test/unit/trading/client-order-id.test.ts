import fc from 'fast-check';
import { clientOrderIdFor } from '../../../trading/client-order-id.ts';

describe('clientOrderIdFor', () => {
  it('is deterministic, short enough for the MT5 comment, and distinct per (bot, decision)', () => {
    const id = fc.integer({ min: 1, max: 2 ** 31 - 1 });
    fc.assert(
      fc.property(id, id, id, id, (botA, decisionA, botB, decisionB) => {
        const a = clientOrderIdFor(botA, decisionA);
        expect(clientOrderIdFor(botA, decisionA)).toBe(a);
        expect(a.length).toBeLessThanOrEqual(26);
        expect(a).toMatch(/^[a-z0-9-]+$/);
        if (botA !== botB || decisionA !== decisionB) expect(clientOrderIdFor(botB, decisionB)).not.toBe(a);
      }),
    );
  });

  it.each([
    [0, 1],
    [1, 0],
    [-1, 5],
    [1.5, 2],
    [Number.NaN, 1],
  ])('refuses bot %p decision %p', (botId, decisionId) => {
    expect(() => clientOrderIdFor(botId, decisionId)).toThrow(RangeError);
  });
});
