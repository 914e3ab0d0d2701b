-- Format 4: shard docs may hold packed records ({c, n, l, a} with a 'layouts' map; see
-- src-shared/docs/table-doc.ts), which readers of format 3 cannot read. Nothing in SQL changes; the
-- format number tells an older Baseplate to refuse the file instead of misreading it.
INSERT OR REPLACE INTO `meta` (`key`, `value`) VALUES ('recordShapes', 'byId,packed');
