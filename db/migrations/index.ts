import { Migration20261123232421_Initial } from './Migration20261123232421_Initial.ts';
import { Migration20261123235141_BotDeletedAt } from './Migration20261123235141_BotDeletedAt.ts';
import { Migration20261124042635_OrderLifecycle } from './Migration20261124042635_OrderLifecycle.ts';
import { Migration20261124090000_ApiTokens } from './Migration20261124090000_ApiTokens.ts';
import { Migration20261124091000_CommissionPerLot } from './Migration20261124091000_CommissionPerLot.ts';
import { Migration20261124100000_BotNameLive } from './Migration20261124100000_BotNameLive.ts';
import { Migration20261124110000_AuditQueries } from './Migration20261124110000_AuditQueries.ts';
import { Migration20261124120000_BrokerAccounts } from './Migration20261124120000_BrokerAccounts.ts';
import { Migration20261206000000_BarCloseCadence } from './Migration20261206000000_BarCloseCadence.ts';
import { Migration20261206013321_Backtests } from './Migration20261206013321_Backtests.ts';
import { Migration20261206160000_BacktestSweeps } from './Migration20261206160000_BacktestSweeps.ts';
import { Migration20261207000000_OrderLastSentAt } from './Migration20261207000000_OrderLastSentAt.ts';
import { Migration20261207120000_BotKillSwitchTrip } from './Migration20261207120000_BotKillSwitchTrip.ts';
import { Migration20261207140000_TradingHoursClose } from './Migration20261207140000_TradingHoursClose.ts';
import { Migration20261207170000_AccountRiskLease } from './Migration20261207170000_AccountRiskLease.ts';

/** Every migration, in order; new ones come from `npm run db:migration -- <Name>`. */
export const MIGRATIONS = [
  { name: 'Migration20261123232421_Initial', class: Migration20261123232421_Initial },
  { name: 'Migration20261123235141_BotDeletedAt', class: Migration20261123235141_BotDeletedAt },
  { name: 'Migration20261124042635_OrderLifecycle', class: Migration20261124042635_OrderLifecycle },
  { name: 'Migration20261124090000_ApiTokens', class: Migration20261124090000_ApiTokens },
  { name: 'Migration20261124091000_CommissionPerLot', class: Migration20261124091000_CommissionPerLot },
  { name: 'Migration20261124100000_BotNameLive', class: Migration20261124100000_BotNameLive },
  { name: 'Migration20261124110000_AuditQueries', class: Migration20261124110000_AuditQueries },
  { name: 'Migration20261124120000_BrokerAccounts', class: Migration20261124120000_BrokerAccounts },
  { name: 'Migration20261206000000_BarCloseCadence', class: Migration20261206000000_BarCloseCadence },
  { name: 'Migration20261206013321_Backtests', class: Migration20261206013321_Backtests },
  { name: 'Migration20261206160000_BacktestSweeps', class: Migration20261206160000_BacktestSweeps },
  { name: 'Migration20261207000000_OrderLastSentAt', class: Migration20261207000000_OrderLastSentAt },
  { name: 'Migration20261207120000_BotKillSwitchTrip', class: Migration20261207120000_BotKillSwitchTrip },
  { name: 'Migration20261207140000_TradingHoursClose', class: Migration20261207140000_TradingHoursClose },
  { name: 'Migration20261207170000_AccountRiskLease', class: Migration20261207170000_AccountRiskLease },
];
