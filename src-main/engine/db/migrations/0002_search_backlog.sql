CREATE TABLE `search_backlog` (
	`table_id` text PRIMARY KEY NOT NULL,
	`indexed_through` integer NOT NULL
);
