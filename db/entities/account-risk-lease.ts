import { defineEntity, p } from '@mikro-orm/core';

/**
 * Who decides on a broker account now (db/account-risk-lock.ts): one row per account while a bot
 * holds it, taken only once the last holder's lease has expired or it let go.
 */
export const AccountRiskLease = defineEntity({
  name: 'AccountRiskLease',
  tableName: 'account_risk_lease',
  properties: {
    brokerAccount: p.string().primary(),
    holder: p.string(),
    expiresAt: p.datetime(),
  },
});
