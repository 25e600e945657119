-- Prospects (leads), their follow-ups, and the per-tenant lead policy (0 = the
-- server's default days).
ALTER TABLE tenants
  ADD COLUMN IF NOT EXISTS lead_no_contact_days INT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS lead_revisit_days INT NOT NULL DEFAULT 0;

-- Per tenant. by_contact serves merge, erase and conversion on purchase; by_status_due
-- the due follow-up list; by_status_contact the no-contact sweep; by_create_time the
-- funnel over a creation range.
CREATE TABLE IF NOT EXISTS leads (
  tenant_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  lead_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  contact_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  source TINYINT NOT NULL,
  source_detail VARCHAR(200) NOT NULL,
  needs TEXT NOT NULL,
  intended_product VARCHAR(200) NOT NULL,
  intended_purchase_date DATE NULL,
  intent TINYINT NOT NULL,
  owner VARCHAR(100) NOT NULL,
  status TINYINT NOT NULL,
  next_follow_up_time DATETIME(6) NULL,
  next_follow_up_method TINYINT NOT NULL,
  follow_up_count INT NOT NULL,
  first_reach_time DATETIME(6) NULL,
  last_contact_time DATETIME(6) NOT NULL,
  convert_time DATETIME(6) NULL,
  conversion_purchase_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NULL,
  invalid_time DATETIME(6) NULL,
  invalid_reason TINYINT NOT NULL,
  invalid_note VARCHAR(1000) NOT NULL,
  revisit_time DATETIME(6) NULL,
  revision BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (tenant_id, lead_id),
  KEY leads_by_contact (tenant_id, contact_id, status),
  KEY leads_by_status_due (tenant_id, status, next_follow_up_time, lead_id),
  KEY leads_by_status_contact (tenant_id, status, last_contact_time),
  KEY leads_by_create_time (tenant_id, create_time),
  KEY leads_by_update_time (tenant_id, update_time, lead_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per tenant. contact_id is the lead's, copied so the contact timeline reads
-- follow-ups through its own (tenant, contact, time) index.
CREATE TABLE IF NOT EXISTS lead_follow_ups (
  tenant_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  follow_up_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  lead_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  contact_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  method TINYINT NOT NULL,
  outcome TINYINT NOT NULL,
  follow_up_time DATETIME(6) NOT NULL,
  performed_by VARCHAR(100) NOT NULL,
  notes TEXT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (tenant_id, follow_up_id),
  KEY lead_follow_ups_by_lead (tenant_id, lead_id, follow_up_time),
  KEY lead_follow_ups_by_contact (tenant_id, contact_id, follow_up_time, follow_up_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
