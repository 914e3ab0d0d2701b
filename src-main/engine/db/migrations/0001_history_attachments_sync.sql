CREATE TABLE `attachments` (
	`id` text PRIMARY KEY NOT NULL,
	`sha256` text NOT NULL,
	`name` text NOT NULL,
	`size` integer NOT NULL,
	`mime` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `attachments_sha` ON `attachments` (`sha256`);--> statement-breakpoint
CREATE TABLE `cell_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`table_id` text NOT NULL,
	`record_id` text NOT NULL,
	`field_id` text,
	`kind` text NOT NULL,
	`actor` text NOT NULL,
	`origin` text NOT NULL,
	`at` integer NOT NULL,
	`old_value` text,
	`new_value` text
);
--> statement-breakpoint
CREATE INDEX `cell_history_record` ON `cell_history` (`table_id`,`record_id`,`id`);--> statement-breakpoint
CREATE TABLE `extractions` (
	`sha256` text NOT NULL,
	`extractor` text NOT NULL,
	`version` integer NOT NULL,
	`result` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`sha256`, `extractor`)
);
--> statement-breakpoint
CREATE TABLE `sync_state` (
	`doc_id` text NOT NULL,
	`remote` text NOT NULL,
	`state_vector` blob NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`doc_id`, `remote`)
);
