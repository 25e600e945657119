-- Interactions (contact history). Per tenant; the contact index serves one contact's
-- history in time order (ListInteractions by contact, GetContactTimeline).
CREATE TABLE IF NOT EXISTS interactions (
  tenant_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  interaction_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  contact_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  interaction_type TINYINT NOT NULL,
  direction TINYINT NOT NULL,
  channel VARCHAR(64) NOT NULL,
  outcome VARCHAR(200) NOT NULL,
  satisfaction_score TINYINT NULL,
  interaction_time DATETIME(6) NOT NULL,
  performed_by VARCHAR(100) NOT NULL,
  notes TEXT NOT NULL,
  revision BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (tenant_id, interaction_id),
  KEY interactions_by_contact (tenant_id, contact_id, interaction_time, interaction_id),
  KEY interactions_by_time (tenant_id, interaction_time, interaction_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
