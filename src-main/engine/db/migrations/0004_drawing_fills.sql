-- Format 5 (records from drawings): what reading a drawing last wrote into each cell, so a person's
-- edit is never overwritten unless asked; and each reading's searchable text (its text lines, capped
-- at 200,000 characters), filled here for readings stored before.
CREATE TABLE `drawing_fills` (
	`table_id` text NOT NULL,
	`record_id` text NOT NULL,
	`field_id` text NOT NULL,
	`value` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`table_id`, `record_id`, `field_id`)
);
--> statement-breakpoint
ALTER TABLE `extractions` ADD `search_text` text;--> statement-breakpoint
UPDATE `extractions` SET `search_text` = substr((SELECT group_concat(`value`, char(10)) FROM json_each(`result`, '$.text')), 1, 200000) WHERE json_valid(`result`);
