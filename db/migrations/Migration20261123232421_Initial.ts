import { Migration } from '@mikro-orm/migrations';

export class Migration20261123232421_Initial extends Migration {
  override name = 'Migration20261123232421_Initial';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "bot" ("id" serial primary key, "name" varchar(255) not null, "symbol" varchar(255) not null, "timeframe" varchar(255) not null default '1m', "lookback" int not null, "status" text not null default 'active', "auto_trade" boolean not null default false, "enabled_strategies" jsonb not null, "strategy_params" jsonb not null, "risk_settings" jsonb not null, "broker_account" varchar(255) not null, "magic" int not null, "schedule_interval_seconds" int not null default 45, "version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null);`,
    );
    this.addSql(`alter table "bot" add constraint "bot_name_unique" unique ("name");`);
    this.addSql(`alter table "bot" add constraint "bot_magic_unique" unique ("magic");`);

    this.addSql(
      `create table "audit_log" ("id" serial primary key, "bot_id" int null, "entity" varchar(255) not null, "entity_id" varchar(255) null, "event" varchar(255) not null, "reason" text not null, "data" jsonb null, "workflow_id" varchar(255) null, "run_id" varchar(255) null, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "audit_log_bot_id_created_at_index" on "audit_log" ("bot_id", "created_at");`);

    this.addSql(
      `create table "cycle_run" ("id" serial primary key, "bot_id" int not null, "workflow_id" varchar(255) not null, "run_id" varchar(255) not null, "started_at" timestamptz not null, "finished_at" timestamptz not null, "strategies" int not null, "bars" int not null, "signals" int not null, "decisions" int not null, "orders" int not null, "outcome" varchar(255) not null);`,
    );
    this.addSql(`alter table "cycle_run" add constraint "cycle_run_run_id_unique" unique ("run_id");`);
    this.addSql(`create index "cycle_run_bot_id_started_at_index" on "cycle_run" ("bot_id", "started_at");`);

    this.addSql(
      `create table "instrument" ("id" serial primary key, "broker_account" varchar(255) not null, "symbol" varchar(255) not null, "digits" int not null, "point" numeric(18,8) not null, "tick_size" numeric(18,8) not null, "tick_value" numeric(18,8) not null, "contract_size" numeric(18,4) not null, "volume_min" numeric(12,4) not null, "volume_max" numeric(12,4) not null, "volume_step" numeric(12,4) not null, "stops_level" int not null, "freeze_level" int not null, "filling_modes" jsonb not null, "max_spread_points" int not null, "pip_size" numeric(18,8) not null, "margin_rate" numeric(12,8) not null, "correlation_group" varchar(255) not null, "updated_at" timestamptz not null);`,
    );
    this.addSql(
      `alter table "instrument" add constraint "instrument_broker_account_symbol_unique" unique ("broker_account", "symbol");`,
    );

    this.addSql(
      `create table "kill_switch" ("scope" varchar(255) not null, "halted" boolean not null default false, "reason" text null, "updated_at" timestamptz not null, primary key ("scope"));`,
    );

    this.addSql(
      `create table "market_bar" ("id" serial primary key, "symbol" varchar(255) not null, "open_time" timestamptz not null, "open" numeric(18,8) not null, "high" numeric(18,8) not null, "low" numeric(18,8) not null, "close" numeric(18,8) not null, "tick_volume" int not null, "spread" int not null, "source" varchar(255) not null);`,
    );
    this.addSql(
      `alter table "market_bar" add constraint "market_bar_symbol_open_time_unique" unique ("symbol", "open_time");`,
    );

    this.addSql(
      `create table "paper_account" ("id" varchar(255) not null, "state" jsonb not null, "version" int not null default 1, "updated_at" timestamptz not null, primary key ("id"));`,
    );

    this.addSql(
      `create table "signal" ("id" serial primary key, "bot_id" int not null, "source" varchar(255) not null default 'scalper_engine', "strategy" varchar(255) not null, "symbol" varchar(255) not null, "direction" text not null, "bar_time" timestamptz not null, "score" numeric(6,4) not null, "entry_price" numeric(18,8) not null, "stop_loss" numeric(18,8) null, "take_profit" numeric(18,8) null, "payload" jsonb not null, "received_at" timestamptz not null);`,
    );
    this.addSql(
      `alter table "signal" add constraint "signal_bot_strategy_bar_unique" unique ("bot_id", "strategy", "bar_time");`,
    );

    this.addSql(
      `create table "decision" ("id" serial primary key, "signal_id" int not null, "action" text not null, "score" numeric(6,4) not null, "reason" text not null, "checks" jsonb not null, "volume" numeric(12,4) not null, "stop_loss" numeric(18,8) null, "take_profit" numeric(18,8) null, "created_at" timestamptz not null);`,
    );
    this.addSql(`alter table "decision" add constraint "decision_signal_id_unique" unique ("signal_id");`);

    this.addSql(
      `create table "order" ("id" serial primary key, "bot_id" int not null, "decision_id" int null, "client_order_id" varchar(32) not null, "purpose" text not null default 'open', "symbol" varchar(255) not null, "side" text not null, "volume" numeric(12,4) not null, "requested_price" numeric(18,8) not null, "stop_loss" numeric(18,8) null, "take_profit" numeric(18,8) null, "status" text not null default 'new', "broker_ticket" varchar(255) null, "retcode" int null, "retcode_name" varchar(255) null, "error" text null, "attempts" int not null default 0, "created_at" timestamptz not null, "sent_at" timestamptz null, "updated_at" timestamptz not null);`,
    );
    this.addSql(`alter table "order" add constraint "order_decision_id_unique" unique ("decision_id");`);
    this.addSql(`alter table "order" add constraint "order_client_order_id_unique" unique ("client_order_id");`);

    this.addSql(
      `create table "position" ("id" serial primary key, "bot_id" int not null, "opening_order_id" int null, "broker_account" varchar(255) not null, "broker_position_id" varchar(255) not null, "symbol" varchar(255) not null, "side" text not null, "volume" numeric(12,4) not null, "open_price" numeric(18,8) not null, "stop_loss" numeric(18,8) null, "take_profit" numeric(18,8) null, "status" text not null default 'open', "opened_at" timestamptz not null, "closed_at" timestamptz null, "close_price" numeric(18,8) null, "realized_pnl" numeric(18,4) null, "unrealized_pnl" numeric(18,4) null, "close_reason" text null);`,
    );
    this.addSql(
      `alter table "position" add constraint "position_broker_account_broker_position_id_unique" unique ("broker_account", "broker_position_id");`,
    );

    this.addSql(
      `create table "execution" ("id" serial primary key, "bot_id" int not null, "order_id" int null, "broker_account" varchar(255) not null, "broker_deal_id" varchar(255) not null, "broker_position_id" varchar(255) not null, "entry" text not null, "side" text not null, "price" numeric(18,8) not null, "volume" numeric(12,4) not null, "commission" numeric(18,4) not null, "swap" numeric(18,4) not null, "profit" numeric(18,4) not null, "reason" varchar(255) not null, "comment" varchar(255) not null default '', "executed_at" timestamptz not null);`,
    );
    this.addSql(
      `alter table "execution" add constraint "execution_broker_account_broker_deal_id_unique" unique ("broker_account", "broker_deal_id");`,
    );

    this.addSql(`alter table "bot" add constraint "bot_status_check" check ("status" in ('active', 'paused'));`);

    this.addSql(
      `alter table "audit_log" add constraint "audit_log_bot_id_foreign" foreign key ("bot_id") references "bot" ("id") on delete set null;`,
    );

    this.addSql(
      `alter table "cycle_run" add constraint "cycle_run_bot_id_foreign" foreign key ("bot_id") references "bot" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "signal" add constraint "signal_bot_id_foreign" foreign key ("bot_id") references "bot" ("id") on delete cascade;`,
    );
    this.addSql(`alter table "signal" add constraint "signal_direction_check" check ("direction" in ('buy', 'sell'));`);

    this.addSql(
      `alter table "decision" add constraint "decision_signal_id_foreign" foreign key ("signal_id") references "signal" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "decision" add constraint "decision_action_check" check ("action" in ('open', 'ignore'));`,
    );

    this.addSql(
      `alter table "order" add constraint "order_bot_id_foreign" foreign key ("bot_id") references "bot" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "order" add constraint "order_decision_id_foreign" foreign key ("decision_id") references "decision" ("id") on delete cascade;`,
    );
    this.addSql(`alter table "order" add constraint "order_purpose_check" check ("purpose" in ('open', 'close'));`);
    this.addSql(`alter table "order" add constraint "order_side_check" check ("side" in ('buy', 'sell'));`);
    this.addSql(
      `alter table "order" add constraint "order_status_check" check ("status" in ('new', 'sent', 'filled', 'partially_filled', 'rejected', 'cancelled', 'unknown'));`,
    );

    this.addSql(
      `alter table "position" add constraint "position_bot_id_foreign" foreign key ("bot_id") references "bot" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "position" add constraint "position_opening_order_id_foreign" foreign key ("opening_order_id") references "order" ("id") on delete set null;`,
    );
    this.addSql(`alter table "position" add constraint "position_side_check" check ("side" in ('buy', 'sell'));`);
    this.addSql(
      `alter table "position" add constraint "position_status_check" check ("status" in ('open', 'closed'));`,
    );
    this.addSql(
      `alter table "position" add constraint "position_close_reason_check" check ("close_reason" in ('tp', 'sl', 'trailing', 'kill_switch', 'manual', 'external'));`,
    );

    this.addSql(
      `alter table "execution" add constraint "execution_bot_id_foreign" foreign key ("bot_id") references "bot" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "execution" add constraint "execution_order_id_foreign" foreign key ("order_id") references "order" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "execution" add constraint "execution_entry_check" check ("entry" in ('in', 'out', 'inout'));`,
    );
    this.addSql(`alter table "execution" add constraint "execution_side_check" check ("side" in ('buy', 'sell'));`);

    // The global kill-switch row always exists: order placement locks it, a halt updates it.
    this.addSql(`insert into "kill_switch" ("scope", "halted", "updated_at") values ('global', false, now());`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "audit_log" drop constraint "audit_log_bot_id_foreign";`);
    this.addSql(`alter table "cycle_run" drop constraint "cycle_run_bot_id_foreign";`);
    this.addSql(`alter table "signal" drop constraint "signal_bot_id_foreign";`);
    this.addSql(`alter table "order" drop constraint "order_bot_id_foreign";`);
    this.addSql(`alter table "position" drop constraint "position_bot_id_foreign";`);
    this.addSql(`alter table "execution" drop constraint "execution_bot_id_foreign";`);
    this.addSql(`alter table "decision" drop constraint "decision_signal_id_foreign";`);
    this.addSql(`alter table "order" drop constraint "order_decision_id_foreign";`);
    this.addSql(`alter table "position" drop constraint "position_opening_order_id_foreign";`);
    this.addSql(`alter table "execution" drop constraint "execution_order_id_foreign";`);

    this.addSql(`drop table if exists "bot" cascade;`);
    this.addSql(`drop table if exists "audit_log" cascade;`);
    this.addSql(`drop table if exists "cycle_run" cascade;`);
    this.addSql(`drop table if exists "instrument" cascade;`);
    this.addSql(`drop table if exists "kill_switch" cascade;`);
    this.addSql(`drop table if exists "market_bar" cascade;`);
    this.addSql(`drop table if exists "paper_account" cascade;`);
    this.addSql(`drop table if exists "signal" cascade;`);
    this.addSql(`drop table if exists "decision" cascade;`);
    this.addSql(`drop table if exists "order" cascade;`);
    this.addSql(`drop table if exists "position" cascade;`);
    this.addSql(`drop table if exists "execution" cascade;`);
  }
}
