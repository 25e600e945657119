-- Value-analysis runs and their per-contact results. The newest SUCCEEDED run of a
-- tenant is its current run (found through analysis_runs_by_state); ListContacts
-- joins the current run's customer_values on the contact's primary key.

-- Per tenant. The report columns hold the run's aggregate results as serialized
-- crm.v1 messages (SegmentSummary, ParetoCurve, ModelFit); settings holds the
-- AnalysisSettings as given; details the timings and unavailable results (an
-- AnalysisRun message with only those fields). heartbeat_time is refreshed while a
-- worker owns the run, so a run whose server died is recognised and failed.
-- active_slot is 1 while a run is PENDING or RUNNING and NULL after: its unique key
-- allows one active run per tenant whatever the isolation level (also on Galera).
CREATE TABLE IF NOT EXISTS analysis_runs (
  tenant_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  run_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  state TINYINT NOT NULL,
  as_of DATETIME(6) NOT NULL,
  window_seconds BIGINT NOT NULL,
  settings BLOB NOT NULL,
  progress DOUBLE NOT NULL,
  stage VARCHAR(40) NOT NULL,
  details BLOB NOT NULL,
  create_time DATETIME(6) NOT NULL,
  start_time DATETIME(6) NULL,
  end_time DATETIME(6) NULL,
  heartbeat_time DATETIME(6) NOT NULL,
  error_code VARCHAR(40) NOT NULL,
  error_message VARCHAR(2000) NOT NULL,
  customers BIGINT NOT NULL,
  active_customers BIGINT NOT NULL,
  purchases BIGINT NOT NULL,
  segment_summary MEDIUMBLOB NULL,
  pareto_curve BLOB NULL,
  model_fit BLOB NULL,
  results_pruned TINYINT(1) NOT NULL,
  active_slot TINYINT NULL,
  PRIMARY KEY (tenant_id, run_id),
  UNIQUE KEY analysis_runs_one_active (tenant_id, active_slot),
  KEY analysis_runs_by_state (tenant_id, state, run_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per tenant. One row per contact with a purchase before the run's as_of. Money in
-- micros; model-based columns are NULL when their model was unavailable. Column
-- names other than tenant_id, contact_id and lifecycle_stage differ from the
-- contacts table's, so the ListContacts join needs no aliases for them.
-- by_contact serves erasure and merges; by_clv and by_expected_value the orders of
-- ListCustomerValues.
CREATE TABLE IF NOT EXISTS customer_values (
  tenant_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  run_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  contact_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  recency_days INT NOT NULL,
  frequency INT NOT NULL,
  monetary_micros BIGINT NOT NULL,
  recency_score TINYINT NOT NULL,
  frequency_score TINYINT NOT NULL,
  monetary_score TINYINT NOT NULL,
  rfm_segment TINYINT NOT NULL,
  abc_class TINYINT NOT NULL,
  value_tier TINYINT NOT NULL,
  expected_value_micros BIGINT NOT NULL,
  historical_value_micros BIGINT NOT NULL,
  current_value_micros BIGINT NOT NULL,
  clv_micros BIGINT NULL,
  additional_value_micros BIGINT NULL,
  p_alive DOUBLE NULL,
  expected_purchases DOUBLE NULL,
  lifecycle_stage TINYINT NOT NULL,
  lifecycle_rule VARCHAR(200) NOT NULL,
  repeat_purchases INT NOT NULL,
  days_first_to_last INT NOT NULL,
  days_since_first INT NOT NULL,
  PRIMARY KEY (tenant_id, run_id, contact_id),
  KEY customer_values_by_contact (tenant_id, contact_id),
  KEY customer_values_by_clv (tenant_id, run_id, clv_micros, contact_id),
  KEY customer_values_by_expected_value (tenant_id, run_id, expected_value_micros, contact_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
