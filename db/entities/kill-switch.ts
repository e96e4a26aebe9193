import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** The scope of the one kill-switch row there is: the migration creates it. */
export const GLOBAL_KILL_SWITCH = 'global';

/** The persisted global halt: evaluateRisk reads it, so a halt holds even for a cycle in flight. */
export const KillSwitch = defineEntity({
  name: 'KillSwitch',
  tableName: 'kill_switch',
  properties: {
    scope: p.string().primary(),
    halted: p.boolean().default(false),
    reason: p.text().nullable(),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export type IKillSwitch = InferEntity<typeof KillSwitch>;
