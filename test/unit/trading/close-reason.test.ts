import { closeReasonOf, type CloseReason } from '../../../trading/close-reason.ts';

describe('closeReasonOf', () => {
  it.each([
    ['tp', null, false, 'tp'],
    ['sl', null, false, 'sl'],
    ['sl', null, true, 'trailing'],
    ['client', null, false, 'manual'],
    ['so', null, false, 'external'],
    ['expert', null, false, 'external'],
    // The engine's own close order says why, whatever the deal's reason field.
    ['expert', 'kill_switch', false, 'kill_switch'],
    ['client', 'kill_switch', true, 'kill_switch'],
    ['expert', 'manual', false, 'manual'],
  ] as Array<[string, CloseReason | null, boolean, CloseReason]>)(
    'deal %p, engine close %p, trailed %p: %p',
    (reason, engineClose, trailed, expected) => {
      expect(closeReasonOf({ reason }, engineClose, trailed)).toBe(expected);
    },
  );
});
