import { Migration } from '@mikro-orm/migrations';

/** Orders and positions may close for the bot's trading hours (closeOutsideTradingHours). */
export class Migration20261207140000_TradingHoursClose extends Migration {
  override name = 'Migration20261207140000_TradingHoursClose';

  override up(): void | Promise<void> {
    for (const table of ['order', 'position']) {
      this.addSql(`alter table "${table}" drop constraint "${table}_close_reason_check";`);
      this.addSql(
        `alter table "${table}" add constraint "${table}_close_reason_check" check ("close_reason" in ('tp', 'sl', 'trailing', 'kill_switch', 'trading_hours', 'manual', 'external'));`,
      );
    }
  }

  override down(): void | Promise<void> {
    for (const table of ['order', 'position']) {
      // Closes the engine made for the hours read, without the reason, as closes it did not make.
      this.addSql(`update "${table}" set "close_reason" = 'external' where "close_reason" = 'trading_hours';`);
      this.addSql(`alter table "${table}" drop constraint "${table}_close_reason_check";`);
      this.addSql(
        `alter table "${table}" add constraint "${table}_close_reason_check" check ("close_reason" in ('tp', 'sl', 'trailing', 'kill_switch', 'manual', 'external'));`,
      );
    }
  }
}
