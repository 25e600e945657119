-- Campaigns (docs/campaigns.md): definitions, the audience frozen into recipients when
-- a campaign starts, runs (leased batches of recipients), the touch ledger behind the
-- tenant's contact policy, and explicit responses.

-- Global: the tenant's contact policy (0 = default; NULL quiet hours = none).
ALTER TABLE tenants
  ADD COLUMN contact_max_touches INT NOT NULL DEFAULT 0,
  ADD COLUMN contact_max_touches_per_channel INT NOT NULL DEFAULT 0,
  ADD COLUMN contact_period_days INT NOT NULL DEFAULT 0,
  ADD COLUMN contact_quiet_start_hour TINYINT NULL,
  ADD COLUMN contact_quiet_end_hour TINYINT NULL;

-- Per tenant. `definition` is the serialized crm.v1.Campaign holding the plan (cells,
-- schedule, costs, response definition); the columns are what queries need.
-- Snapshot progress: the audience is frozen in contact-id chunks after
-- `snapshot_after`; recipients join the open run `open_run` until it holds
-- `run_size` of them. `audience` is the serialized AudiencePreview counted so far.
CREATE TABLE IF NOT EXISTS campaigns (
  tenant_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  campaign_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  state TINYINT NOT NULL,
  objective TINYINT NOT NULL,
  campaign_type TINYINT NOT NULL,
  schedule_start DATETIME(6) NOT NULL,
  schedule_end DATETIME(6) NOT NULL,
  definition MEDIUMBLOB NOT NULL,
  start_time DATETIME(6) NULL,
  end_time DATETIME(6) NULL,
  snapshot_done TINYINT NOT NULL DEFAULT 0,
  snapshot_after CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  open_run INT NOT NULL DEFAULT 1,
  open_run_size INT NOT NULL DEFAULT 0,
  audience BLOB NULL,
  revision BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (tenant_id, campaign_id),
  KEY campaigns_by_state_start (tenant_id, state, schedule_start),
  KEY campaigns_by_create_time (tenant_id, create_time, campaign_id),
  KEY campaigns_by_update_time (tenant_id, update_time, campaign_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per tenant. A run is a batch of test recipients leased to one scheduler at a time;
-- `lease_generation` counts the leases, `fetch_after` is where the current lease's
-- hand-out has got to.
CREATE TABLE IF NOT EXISTS campaign_runs (
  tenant_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  campaign_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  run_number INT NOT NULL,
  state TINYINT NOT NULL,
  recipients INT NOT NULL,
  handed_out INT NOT NULL DEFAULT 0,
  reported INT NOT NULL DEFAULT 0,
  skipped_by_policy INT NOT NULL DEFAULT 0,
  lease_token CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NULL,
  lease_generation INT NOT NULL DEFAULT 0,
  lease_expire_time DATETIME(6) NULL,
  scheduler_id VARCHAR(100) NOT NULL DEFAULT '',
  fetch_after CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  complete_time DATETIME(6) NULL,
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (tenant_id, campaign_id, run_number),
  KEY campaign_runs_by_state (tenant_id, state, lease_expire_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per tenant: the frozen audience. Control members have run_number 0 and are never
-- handed out. delivery_state: 0 pending, 1 handed out, 2 sent, 3 delivered, 4 failed,
-- 5 bounced, 6 skipped by the contact policy, 7 skipped (consent withdrawn or contact
-- gone), 8 not sent (schedule ended or cancelled).
CREATE TABLE IF NOT EXISTS campaign_recipients (
  tenant_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  campaign_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  contact_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  cell_index TINYINT NOT NULL,
  is_control TINYINT NOT NULL,
  run_number INT NOT NULL,
  delivery_state TINYINT NOT NULL DEFAULT 0,
  handed_generation INT NOT NULL DEFAULT 0,
  attempts INT NOT NULL DEFAULT 0,
  sent_time DATETIME(6) NULL,
  state_time DATETIME(6) NULL,
  error_message VARCHAR(500) NULL,
  PRIMARY KEY (tenant_id, campaign_id, contact_id),
  KEY campaign_recipients_by_run (tenant_id, campaign_id, run_number, contact_id),
  KEY campaign_recipients_by_contact (tenant_id, contact_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per tenant: every touch handed out, across campaigns; the contact policy counts a
-- contact's touches in its rolling period from here.
CREATE TABLE IF NOT EXISTS contact_touches (
  tenant_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  contact_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  touch_time DATETIME(6) NOT NULL,
  campaign_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  channel TINYINT NOT NULL,
  PRIMARY KEY (tenant_id, contact_id, touch_time, campaign_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per tenant: explicit responses (RecordResponse).
CREATE TABLE IF NOT EXISTS campaign_responses (
  tenant_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  campaign_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  response_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  contact_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  kind TINYINT NOT NULL,
  response_time DATETIME(6) NOT NULL,
  note VARCHAR(1000) NOT NULL,
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (tenant_id, campaign_id, response_id),
  KEY campaign_responses_by_contact (tenant_id, contact_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
