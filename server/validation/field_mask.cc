#include "server/validation/field_mask.h"

#include <google/protobuf/util/field_mask_util.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace crm::server {

absl::Status ApplyUpdateMask(const google::protobuf::Message& patch,
                             const google::protobuf::FieldMask& mask,
                             const std::vector<std::string>& writable_paths,
                             google::protobuf::Message* target) {
  google::protobuf::FieldMask effective;
  const bool everything = mask.paths_size() == 0 || (mask.paths_size() == 1 && mask.paths(0) == "*");
  if (everything) {
    for (const std::string& path : writable_paths) effective.add_paths(path);
  } else {
    for (const std::string& path : mask.paths()) {
      // A path is writable when it, or a parent message of it, is listed.
      const bool allowed = std::any_of(writable_paths.begin(), writable_paths.end(),
                                       [&](const std::string& writable) {
                                         return path == writable ||
                                                absl::StartsWith(path, absl::StrCat(writable, "."));
                                       });
      if (!allowed ||
          !google::protobuf::util::FieldMaskUtil::GetFieldDescriptors(patch.GetDescriptor(), path,
                                                                      nullptr)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "update_mask: \"", path, "\" is not a writable field; writable: ",
            absl::StrJoin(writable_paths, ", ")));
      }
      effective.add_paths(path);
    }
  }
  google::protobuf::util::FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  google::protobuf::util::FieldMaskUtil::MergeMessageTo(patch, effective, options, target);
  return absl::OkStatus();
}

}  // namespace crm::server
