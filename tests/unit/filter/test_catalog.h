// A catalog with one field of every type, shared by the filter tests.
#ifndef CRM_TESTS_UNIT_FILTER_TEST_CATALOG_H_
#define CRM_TESTS_UNIT_FILTER_TEST_CATALOG_H_

#include "server/filter/filter.h"

namespace crm::filter::testing {

inline const FieldCatalog& TestCatalog() {
  static const FieldCatalog* const catalog = new FieldCatalog({
      {"display_name", FieldType::kString, "c.display_name", {}, {}},
      {"region", FieldType::kString, "c.region", {}, {}},
      {"employee_count", FieldType::kInt64, "c.employee_count", {}, {}},
      {"score", FieldType::kDouble, "c.score", {}, {}},
      {"is_key_account", FieldType::kBool, "c.is_key_account", {}, {}},
      {"stage",
       FieldType::kEnum,
       "c.stage",
       {{"LEAD", 1}, {"QUALIFIED", 2}, {"CUSTOMER", 3}}, {}},
      {"create_time", FieldType::kTimestamp, "c.create_time", {}, {}},
      {"birth_date", FieldType::kDate, "c.birth_date", {}, {}},
      {"lifetime_value",
       FieldType::kMoneyMicros,
       "c.lifetime_value_micros",
       {}, {}},
      {"tags", FieldType::kStringList, "c.tags", {}, {}},
      {"attributes", FieldType::kStringMap, "c.attributes", {}, {}},
  });
  return *catalog;
}

}  // namespace crm::filter::testing

#endif  // CRM_TESTS_UNIT_FILTER_TEST_CATALOG_H_
