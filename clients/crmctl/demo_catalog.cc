#include "clients/crmctl/demo_catalog.h"

namespace crm::crmctl {

const std::vector<DemoStore>& DemoStores() {
  // store-sh-01 and store-bj-02 are the counters of crm-server's --demo-data tenant, so
  // a seeding into that tenant extends its stores instead of inventing parallel ones.
  static const std::vector<DemoStore>* stores = new std::vector<DemoStore>{
      {"store-sh-01", "Shanghai", "East China", 1.6, 1.35, 0.70, 5},
      {"store-bj-02", "Beijing", "North China", 1.4, 1.25, 0.65, 5},
      {"store-gz-03", "Guangzhou", "South China", 1.5, 0.90, 0.40, 4},
      {"store-sz-04", "Shenzhen", "South China", 1.3, 0.95, 0.45, 4},
      {"store-hz-05", "Hangzhou", "East China", 0.9, 1.05, 0.85, 3},
      {"store-nj-06", "Nanjing", "East China", 0.8, 1.00, 0.80, 3},
      {"store-cd-07", "Chengdu", "Southwest China", 0.6, 0.85, 0.35, 2},
      {"store-wh-08", "Wuhan", "Central China", 0.5, 0.85, 0.30, 2},
  };
  return *stores;
}

const std::vector<DemoCategory>& DemoCategories() {
  static const std::vector<DemoCategory>* categories = new std::vector<DemoCategory>{
      {"skincare",
       0.30,
       {{"SK-110", "Gentle Foam Cleanser 120ml", 160, 70},
        {"SK-150", "Hydrating Sheet Mask x10", 199, 72},
        {"SK-120", "Hydra Essence Toner 150ml", 280, 68},
        {"SK-130", "Daily Moisture Cream 50ml", 420, 68},
        {"SK-140", "Vitamin C Bright Serum 30ml", 560, 66}}},
      {"anti-ageing",
       0.18,
       {{"AA-210", "Firming Eye Cream 15ml", 760, 74},
        {"AA-220", "Renewal Night Serum 30ml", 980, 75},
        {"AA-230", "Retinol Repair Cream 50ml", 1280, 74},
        {"AA-240", "Collagen Ampoule Set 7x2ml", 1580, 72}}},
      {"makeup",
       0.25,
       {{"MU-310", "Long-wear Mascara", 220, 62},
        {"MU-320", "Velvet Matte Lipstick", 260, 64},
        {"MU-330", "Glow Cushion Compact", 380, 60},
        {"MU-340", "Silk Foundation 30ml", 420, 61},
        {"MU-350", "Eyeshadow Palette 12 shades", 480, 63}}},
      {"fragrance",
       0.12,
       {{"FR-410", "Peony Travel Spray 10ml", 260, 55},
        {"FR-420", "Citrus Eau de Toilette 100ml", 720, 56},
        {"FR-430", "Peony Eau de Parfum 50ml", 980, 58}}},
      {"body",
       0.15,
       {{"BD-510", "Hand Cream Trio", 150, 58},
        {"BD-520", "Shea Body Lotion 250ml", 180, 57},
        {"BD-530", "Sea Salt Body Scrub 200g", 200, 59},
        {"BD-540", "Jasmine Bath Oil 200ml", 240, 60}}},
  };
  return *categories;
}

size_t DemoAntiAgeingCategory() { return 1; }

const std::vector<std::string>& DemoFamilyNames() {
  static const std::vector<std::string>* names = new std::vector<std::string>{
      "Wang",  "Li",    "Zhang", "Liu",  "Chen", "Yang", "Huang", "Zhao", "Wu",  "Zhou",
      "Xu",    "Sun",   "Ma",    "Zhu",  "Hu",   "Guo",  "He",    "Lin",  "Gao", "Luo",
      "Zheng", "Liang", "Xie",   "Song", "Tang", "Han",  "Feng",  "Deng", "Cao", "Peng"};
  return *names;
}

const std::vector<std::string>& DemoFemaleGivenNames() {
  static const std::vector<std::string>* names = new std::vector<std::string>{
      "Mei",    "Na",       "Jing",     "Li",      "Xiu",   "Yan",    "Hui",     "Ting",    "Fang",
      "Lan",    "Xin",      "Yue",      "Qian",    "Ying",  "Jia",    "Min",     "Rui",     "Shan",
      "Wen",    "Xia",      "Yu",       "Zhen",    "Lili",  "Yifan",  "Xiaoyu",  "Meiling", "Jiayi",
      "Siqi",   "Yuxin",    "Zihan",    "Ruoxi",   "Shiyu", "Yutong", "Xinyi",   "Mengyao", "Jingwen",
      "Huimin", "Xiaohong", "Lingling", "Wanqing", "Yaqi",  "Qiuyue", "Chunhua", "Xuemei",  "Hong",
      "Juan",   "Ping",     "Dan",      "Lu",      "Qing"};
  return *names;
}

const std::vector<std::string>& DemoMaleGivenNames() {
  static const std::vector<std::string>* names = new std::vector<std::string>{
      "Wei",  "Lei",  "Jun",  "Tao", "Ming", "Hao",    "Jie",    "Yong",   "Qiang", "Bo",
      "Peng", "Chao", "Hang", "Kai", "Long", "Zhiwei", "Haoran", "Yuxuan", "Zihao", "Junjie"};
  return *names;
}

const std::vector<DemoCity>& DemoOtherCities() {
  static const std::vector<DemoCity>* cities = new std::vector<DemoCity>{
      {"Suzhou", "East China"},         {"Tianjin", "North China"},     {"Xiamen", "East China"},
      {"Chongqing", "Southwest China"}, {"Xi'an", "Northwest China"},   {"Qingdao", "East China"},
      {"Changsha", "Central China"},    {"Shenyang", "Northeast China"}};
  return *cities;
}

}  // namespace crm::crmctl
