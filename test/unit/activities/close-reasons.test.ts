import { closeReasonOf, KILL_SWITCH_COMMENT } from '../../../activities/close-reasons.ts';

describe('closeReasonOf', () => {
  it.each([
    [{ reason: 'tp', comment: '' }, false, 'tp'],
    [{ reason: 'sl', comment: '' }, false, 'sl'],
    [{ reason: 'sl', comment: '' }, true, 'trailing'],
    [{ reason: 'expert', comment: KILL_SWITCH_COMMENT }, false, 'kill_switch'],
    [{ reason: 'client', comment: '' }, false, 'manual'],
    [{ reason: 'so', comment: '' }, false, 'external'],
    [{ reason: 'expert', comment: 'someone else' }, false, 'external'],
  ] as const)('%p (trailed: %p) closed by %p', (deal, trailed, expected) => {
    expect(closeReasonOf(deal, trailed)).toBe(expected);
  });
});
