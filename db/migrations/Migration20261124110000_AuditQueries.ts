import { Migration } from '@mikro-orm/migrations';

export class Migration20261124110000_AuditQueries extends Migration {
  override name = 'Migration20261124110000_AuditQueries';

  override up(): void | Promise<void> {
    // The audit API pages newest first by (time, id), overall and per bot: one index for each.
    this.addSql(`drop index "audit_log_bot_id_created_at_index";`);
    this.addSql(`create index "audit_log_created_at_id_index" on "audit_log" ("created_at", "id");`);
    this.addSql(`create index "audit_log_bot_id_created_at_id_index" on "audit_log" ("bot_id", "created_at", "id");`);

    this.addSql(`drop index "cycle_run_bot_id_started_at_index";`);
    this.addSql(`create index "cycle_run_started_at_id_index" on "cycle_run" ("started_at", "id");`);
    this.addSql(`create index "cycle_run_bot_id_started_at_id_index" on "cycle_run" ("bot_id", "started_at", "id");`);

    this.addSql(`create index "signal_received_at_id_index" on "signal" ("received_at", "id");`);
    this.addSql(`create index "signal_bot_id_received_at_id_index" on "signal" ("bot_id", "received_at", "id");`);

    this.addSql(`create index "decision_created_at_id_index" on "decision" ("created_at", "id");`);

    // The cycle that wrote an order, for its Web UI link; orders written before stay unlinked.
    this.addSql(`alter table "order" add "workflow_id" varchar(255) null, add "run_id" varchar(255) null;`);
    this.addSql(`create index "order_created_at_id_index" on "order" ("created_at", "id");`);
    this.addSql(`create index "order_bot_id_created_at_id_index" on "order" ("bot_id", "created_at", "id");`);

    this.addSql(`create index "position_opened_at_id_index" on "position" ("opened_at", "id");`);
    this.addSql(`create index "position_bot_id_opened_at_id_index" on "position" ("bot_id", "opened_at", "id");`);
    this.addSql(`create index "position_opening_order_id_index" on "position" ("opening_order_id");`);

    this.addSql(`create index "execution_executed_at_id_index" on "execution" ("executed_at", "id");`);
    this.addSql(`create index "execution_bot_id_executed_at_id_index" on "execution" ("bot_id", "executed_at", "id");`);
    // A position's deals (stats, settling a position) and an order's deals (order detail).
    this.addSql(
      `create index "execution_broker_account_broker_position_id_index" on "execution" ("broker_account", "broker_position_id");`,
    );
    this.addSql(`create index "execution_order_id_index" on "execution" ("order_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "audit_log_created_at_id_index";`);
    this.addSql(`drop index "audit_log_bot_id_created_at_id_index";`);
    this.addSql(`create index "audit_log_bot_id_created_at_index" on "audit_log" ("bot_id", "created_at");`);

    this.addSql(`drop index "cycle_run_started_at_id_index";`);
    this.addSql(`drop index "cycle_run_bot_id_started_at_id_index";`);
    this.addSql(`create index "cycle_run_bot_id_started_at_index" on "cycle_run" ("bot_id", "started_at");`);

    this.addSql(`drop index "signal_received_at_id_index";`);
    this.addSql(`drop index "signal_bot_id_received_at_id_index";`);

    this.addSql(`drop index "decision_created_at_id_index";`);

    this.addSql(`drop index "order_created_at_id_index";`);
    this.addSql(`drop index "order_bot_id_created_at_id_index";`);
    this.addSql(`alter table "order" drop column "workflow_id", drop column "run_id";`);

    this.addSql(`drop index "position_opened_at_id_index";`);
    this.addSql(`drop index "position_bot_id_opened_at_id_index";`);
    this.addSql(`drop index "position_opening_order_id_index";`);

    this.addSql(`drop index "execution_executed_at_id_index";`);
    this.addSql(`drop index "execution_bot_id_executed_at_id_index";`);
    this.addSql(`drop index "execution_broker_account_broker_position_id_index";`);
    this.addSql(`drop index "execution_order_id_index";`);
  }
}
