-- Initial schema. Conventions (docs/storage.md): InnoDB, utf8mb4; every per-tenant
-- table has tenant_id first in its primary key and in every secondary index; ids are
-- server-generated, time-ordered CHAR(26) (no AUTO_INCREMENT); no foreign keys; money
-- in BIGINT micros; times DATETIME(6) in UTC; optimistic concurrency via `revision`.

-- Global: tenants (the unit of isolation; unsharded in Vitess).
CREATE TABLE IF NOT EXISTS tenants (
  tenant_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  display_name VARCHAR(200) NOT NULL,
  state TINYINT NOT NULL,
  currency_code CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  time_zone VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  quota_requests_per_second INT NOT NULL,
  quota_max_concurrent_streams INT NOT NULL,
  quota_max_contacts BIGINT NOT NULL,
  revision BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (tenant_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Global: API keys, looked up by key id before any tenant is known. Only a SHA-256
-- of the secret is stored. tenant_id is NULL for platform-admin keys.
CREATE TABLE IF NOT EXISTS api_keys (
  key_id VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  tenant_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NULL,
  role TINYINT NOT NULL,
  display_name VARCHAR(200) NOT NULL,
  secret_sha256 BINARY(32) NOT NULL,
  state TINYINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  revoke_time DATETIME(6) NULL,
  PRIMARY KEY (key_id),
  KEY api_keys_by_tenant (tenant_id, key_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Global: idempotency records of platform-level creates (CreateTenant).
CREATE TABLE IF NOT EXISTS platform_request_ids (
  request_id VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  method VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  resource_name VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (request_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Global: server-side secrets shared by every replica (e.g. the page-token MAC key).
CREATE TABLE IF NOT EXISTS platform_secrets (
  secret_name VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  secret_value VARBINARY(64) NOT NULL,
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (secret_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per tenant: idempotency records (AIP-155) of creates.
CREATE TABLE IF NOT EXISTS request_ids (
  tenant_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  request_id VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  method VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  resource_name VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (tenant_id, request_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per tenant: B2B customer organisations.
CREATE TABLE IF NOT EXISTS accounts (
  tenant_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  account_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  display_name VARCHAR(200) NOT NULL,
  industry VARCHAR(100) NOT NULL,
  size TINYINT NOT NULL,
  region VARCHAR(100) NOT NULL,
  owner VARCHAR(100) NOT NULL,
  annual_revenue_micros BIGINT NULL,
  credit_rating TINYINT NOT NULL,
  payment_terms_days SMALLINT NOT NULL,
  key_account TINYINT(1) NOT NULL,
  tier TINYINT NOT NULL,
  eval_financial TINYINT NOT NULL,
  eval_cooperation TINYINT NOT NULL,
  eval_prospects TINYINT NOT NULL,
  eval_credit TINYINT NOT NULL,
  external_id VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  tags JSON NOT NULL,
  attributes JSON NOT NULL,
  revision BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (tenant_id, account_id),
  UNIQUE KEY accounts_by_external_id (tenant_id, external_id),
  KEY accounts_by_display_name (tenant_id, display_name, account_id),
  KEY accounts_by_update_time (tenant_id, update_time, account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per tenant: people.
CREATE TABLE IF NOT EXISTS contacts (
  tenant_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  contact_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  given_name VARCHAR(100) NOT NULL,
  family_name VARCHAR(100) NOT NULL,
  display_name VARCHAR(200) NOT NULL,
  emails JSON NOT NULL,
  phones JSON NOT NULL,
  birthday DATE NULL,
  gender TINYINT NOT NULL,
  region VARCHAR(100) NOT NULL,
  city VARCHAR(100) NOT NULL,
  address VARCHAR(500) NOT NULL,
  account_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NULL,
  owner VARCHAR(100) NOT NULL,
  store_id VARCHAR(64) NOT NULL,
  source VARCHAR(64) NOT NULL,
  tags JSON NOT NULL,
  attributes JSON NOT NULL,
  consent_email TINYINT NOT NULL,
  consent_email_time DATETIME(6) NULL,
  consent_sms TINYINT NOT NULL,
  consent_sms_time DATETIME(6) NULL,
  consent_phone TINYINT NOT NULL,
  consent_phone_time DATETIME(6) NULL,
  consent_direct_mail TINYINT NOT NULL,
  consent_direct_mail_time DATETIME(6) NULL,
  lifecycle_stage TINYINT NOT NULL,
  external_id VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  revision BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (tenant_id, contact_id),
  UNIQUE KEY contacts_by_external_id (tenant_id, external_id),
  KEY contacts_by_account (tenant_id, account_id),
  KEY contacts_by_store (tenant_id, store_id),
  KEY contacts_by_display_name (tenant_id, display_name, contact_id),
  KEY contacts_by_update_time (tenant_id, update_time, contact_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per tenant: email / phone index behind LookupContact (kind 1 = email, 2 = phone).
CREATE TABLE IF NOT EXISTS contact_identities (
  tenant_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  kind TINYINT NOT NULL,
  identity_value VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  contact_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  PRIMARY KEY (tenant_id, kind, identity_value, contact_id),
  KEY contact_identities_by_contact (tenant_id, contact_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
