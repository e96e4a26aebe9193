import fc from 'fast-check';
import { clientOrderIdFor, closeOrderIdFor, MAX_CLOSE_ATTEMPTS } from '../../../../trading/orders/index.ts';

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

describe('closeOrderIdFor', () => {
  const ticket = fc.bigInt({ min: 1n, max: 2n ** 64n - 1n }).map(String);
  const attempt = fc.integer({ min: 1, max: MAX_CLOSE_ATTEMPTS });

  it('is deterministic, fits the comment, never collides with an open key or another close', () => {
    const bot = fc.integer({ min: 1, max: 2 ** 31 - 1 });
    fc.assert(
      fc.property(bot, ticket, attempt, bot, ticket, attempt, (botA, ticketA, attemptA, botB, ticketB, attemptB) => {
        const a = closeOrderIdFor(botA, ticketA, attemptA);
        expect(closeOrderIdFor(botA, ticketA, attemptA)).toBe(a);
        expect(a.length).toBeLessThanOrEqual(26);
        expect(a).toMatch(/^sx[a-z0-9]+-[a-z0-9]+-[a-z0-9]+$/);
        expect(a).not.toBe(clientOrderIdFor(botA, attemptA));
        const same = botA === botB && ticketA === ticketB && attemptA === attemptB;
        if (!same) expect(closeOrderIdFor(botB, ticketB, attemptB)).not.toBe(a);
      }),
    );
  });

  it.each([
    ['0', 1],
    ['-5', 1],
    ['12a', 1],
    ['007', 1],
    [String(2n ** 64n), 1],
    ['123', 0],
    ['123', MAX_CLOSE_ATTEMPTS + 1],
  ])('refuses ticket %p attempt %p', (positionTicket, attemptNo) => {
    expect(() => closeOrderIdFor(1, positionTicket, attemptNo)).toThrow(RangeError);
  });
});
