-- Complaints and the per-tenant response-time policy (0 = the server's default hours).
ALTER TABLE tenants
  ADD COLUMN IF NOT EXISTS complaint_hours_low INT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS complaint_hours_medium INT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS complaint_hours_high INT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS complaint_hours_critical INT NOT NULL DEFAULT 0;

-- Per tenant. The status/due index serves the overdue list.
CREATE TABLE IF NOT EXISTS complaints (
  tenant_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  complaint_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  contact_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  category VARCHAR(100) NOT NULL,
  severity TINYINT NOT NULL,
  status TINYINT NOT NULL,
  description TEXT NOT NULL,
  resolution TEXT NOT NULL,
  satisfaction_score TINYINT NULL,
  due_time DATETIME(6) NOT NULL,
  resolve_time DATETIME(6) NULL,
  close_time DATETIME(6) NULL,
  revision BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (tenant_id, complaint_id),
  KEY complaints_by_contact (tenant_id, contact_id, create_time),
  KEY complaints_by_status_due (tenant_id, status, due_time),
  KEY complaints_by_update_time (tenant_id, update_time, complaint_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
