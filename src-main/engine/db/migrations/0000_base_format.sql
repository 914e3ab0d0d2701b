CREATE TABLE `doc_snapshots` (
	`doc_id` text PRIMARY KEY NOT NULL,
	`data` blob NOT NULL,
	`last_update_id` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `doc_updates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`doc_id` text NOT NULL,
	`data` blob NOT NULL,
	`origin` text NOT NULL,
	`actor` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `doc_updates_doc` ON `doc_updates` (`doc_id`,`id`);--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `projection_columns` (
	`table_id` text NOT NULL,
	`field_id` text NOT NULL,
	`sql_type` text NOT NULL,
	`signature` text NOT NULL,
	PRIMARY KEY(`table_id`, `field_id`)
);
--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
