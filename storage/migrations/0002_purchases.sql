-- Purchases: the ground truth of value analysis. Per tenant; the contact index serves
-- one contact's purchases in time order (ListPurchases with a contact filter, the
-- timeline, the analyses), the time index serves tenant-wide time ranges.
CREATE TABLE IF NOT EXISTS purchases (
  tenant_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  purchase_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  contact_id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  purchase_time DATETIME(6) NOT NULL,
  amount_micros BIGINT NOT NULL,
  gross_margin_micros BIGINT NULL,
  quantity BIGINT NOT NULL,
  product_category VARCHAR(100) NOT NULL,
  product VARCHAR(200) NOT NULL,
  channel TINYINT NOT NULL,
  store_id VARCHAR(64) NOT NULL,
  purchase_type TINYINT NOT NULL,
  external_id VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  revision BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (tenant_id, purchase_id),
  UNIQUE KEY purchases_by_external_id (tenant_id, external_id),
  KEY purchases_by_contact (tenant_id, contact_id, purchase_time, purchase_id),
  KEY purchases_by_time (tenant_id, purchase_time, purchase_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
