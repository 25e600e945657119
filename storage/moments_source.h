#ifndef CRM_STORAGE_MOMENTS_SOURCE_H_
#define CRM_STORAGE_MOMENTS_SOURCE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/connection_pool.h"
#include "storage/list_query.h"
#include "storage/tenant_id.h"

namespace crm::storage {

// A due moment as stored: who, what (lead or complaint id, empty for birthdays) and
// when (birthdays: the month and day).
struct StoredMoment {
  std::string contact_id;
  std::string subject_id;
  absl::Time due_time;  // follow-ups and complaints
  int birthday_month = 0;
  int birthday_day = 0;
};

// The reads behind SchedulerService.ListDueMoments, one kind each, keyset-paged;
// every page holds up to `page_size` moments and `next` when there are more.
class MomentsSource {
 public:
  explicit MomentsSource(ConnectionPool& pool) : pool_(pool) {}

  // Contacts whose birthday (month * 100 + day) is one of `month_days`, in contact
  // order after `after` (cursor id = contact id).
  absl::StatusOr<Page<StoredMoment>> Birthdays(const TenantId& tenant, const std::vector<int>& month_days,
                                               const std::optional<ListCursor>& after, int page_size,
                                               absl::Time deadline);
  // ACTIVE leads whose next follow-up is in [start, end), by time then id.
  absl::StatusOr<Page<StoredMoment>> FollowUpsDue(const TenantId& tenant, absl::Time start, absl::Time end,
                                                  const std::optional<ListCursor>& after, int page_size,
                                                  absl::Time deadline);
  // OPEN or IN_PROGRESS complaints whose response is due in [start, end).
  absl::StatusOr<Page<StoredMoment>> ComplaintsDue(const TenantId& tenant, absl::Time start, absl::Time end,
                                                   const std::optional<ListCursor>& after, int page_size,
                                                   absl::Time deadline);

 private:
  ConnectionPool& pool_;
};

}  // namespace crm::storage

#endif  // CRM_STORAGE_MOMENTS_SOURCE_H_
