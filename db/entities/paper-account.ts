import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** The paper broker's whole account state, locked and rewritten per operation so restarts lose nothing. */
export const PaperAccount = defineEntity({
  name: 'PaperAccount',
  tableName: 'paper_account',
  properties: {
    id: p.string().primary(),
    state: p.json<Record<string, unknown>>(),
    version: p.integer().default(1),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export type IPaperAccount = InferEntity<typeof PaperAccount>;
