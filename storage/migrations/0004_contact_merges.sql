-- Record of contact merges: which contact was merged into which, and when. Per tenant;
-- a merged contact id appears once.
CREATE TABLE IF NOT EXISTS contact_merges (
  tenant_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  merged_contact_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  survivor_contact_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  merge_time DATETIME(6) NOT NULL,
  PRIMARY KEY (tenant_id, merged_contact_id),
  KEY contact_merges_by_survivor (tenant_id, survivor_contact_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
