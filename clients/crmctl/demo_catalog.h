// The fixed world of the demo tenant: a cosmetics brand with eight store counters in
// Chinese cities, its product range with prices and unit costs, and the names its
// customers are drawn from. Pure data; demo_dataset.cc draws from it.
#ifndef CRM_CLIENTS_CRMCTL_DEMO_CATALOG_H_
#define CRM_CLIENTS_CRMCTL_DEMO_CATALOG_H_

#include <cstdint>
#include <string>
#include <vector>

namespace crm::crmctl {

// A store counter. The archetypes make the stores cluster the way DOMAIN.md "Store
// (counter) clustering" describes: traffic-led, high-end-led, loyal-managed-led and
// under-performing counters.
struct DemoStore {
  std::string id;  // the store_id of contacts and purchases
  std::string city;
  std::string region;
  double traffic;        // relative share of walk-in customers
  double price_level;    // > 1: customers here lean to the premium products
  double managed_share;  // share of its customers a beauty advisor manages
  int advisors;          // beauty advisors: owners "ba-<store>-<n>"
};

// One product. Prices are whole yuan; the unit cost is a fixed share of the price, so
// amounts and margins are exact cents.
struct DemoProduct {
  std::string sku;
  std::string name;
  int64_t price_yuan;
  int margin_percent;  // unit cost = price × (100 - margin_percent) / 100
};

// A product category (Purchase.product_category) with its products, cheapest first.
struct DemoCategory {
  std::string name;  // "skincare", "anti-ageing", "makeup", "fragrance", "body"
  double weight;     // share of purchases of an average customer
  std::vector<DemoProduct> products;
};

const std::vector<DemoStore>& DemoStores();
const std::vector<DemoCategory>& DemoCategories();
// Index of "anti-ageing" in DemoCategories(): the line the demo campaign launches.
size_t DemoAntiAgeingCategory();

const std::vector<std::string>& DemoFamilyNames();
const std::vector<std::string>& DemoFemaleGivenNames();
const std::vector<std::string>& DemoMaleGivenNames();

// Cities without a counter where unmanaged (online) customers also live, with region.
struct DemoCity {
  std::string city;
  std::string region;
};
const std::vector<DemoCity>& DemoOtherCities();

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_DEMO_CATALOG_H_
