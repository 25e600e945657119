#include "clients/crmctl/output.h"

#include <algorithm>
#include <cmath>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/crmctl/cli_context.h"
#include "clients/crmctl/enum_names.h"

namespace crm::crmctl {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string OneLine(std::string text, size_t max_width) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\t', ' ');
  if (max_width > 3 && text.size() > max_width) {
    // Cut on a UTF-8 boundary so no half character is printed.
    size_t cut = max_width - 3;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut) + "...";
  }
  return text;
}

// Display width of UTF-8 text: one column per code point (good enough for the Latin,
// Greek and Cyrillic names CRM data holds; wide CJK glyphs count as one).
size_t Width(const std::string& text) {
  size_t width = 0;
  for (unsigned char c : text) width += (c & 0xC0) != 0x80;
  return width;
}

std::string MessageText(const Message& message) {
  const std::string type = message.GetDescriptor()->full_name();
  if (type == "google.protobuf.Timestamp") {
    const auto& timestamp = static_cast<const google::protobuf::Timestamp&>(message);
    if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "";
    return google::protobuf::util::TimeUtil::ToString(timestamp);
  }
  if (type == "google.protobuf.Duration") {
    const auto* descriptor = message.GetDescriptor();
    const int64_t seconds = message.GetReflection()->GetInt64(message, descriptor->FindFieldByName("seconds"));
    const int32_t nanos = message.GetReflection()->GetInt32(message, descriptor->FindFieldByName("nanos"));
    if (nanos == 0 && seconds != 0 && seconds % 86400 == 0) return absl::StrCat(seconds / 86400, " days");
    return absl::StrFormat("%.3fs", static_cast<double>(seconds) + nanos / 1e9);
  }
  if (type == "crm.v1.Money") {
    const Reflection* reflection = message.GetReflection();
    const auto* descriptor = message.GetDescriptor();
    const int64_t units = reflection->GetInt64(message, descriptor->FindFieldByName("units"));
    const int32_t nanos = reflection->GetInt32(message, descriptor->FindFieldByName("nanos"));
    const bool negative = units < 0 || nanos < 0;
    const int64_t abs_units = units < 0 ? -units : units;
    const int32_t abs_cents = (nanos < 0 ? -nanos : nanos) / 10'000'000;
    return absl::StrFormat("%s%d.%02d", negative ? "-" : "", abs_units, abs_cents);
  }
  return ToJson(message, /*compact=*/true);
}

std::string SingleValueText(const Message& message, const FieldDescriptor* field, int index) {
  const Reflection* reflection = message.GetReflection();
  const bool repeated = field->is_repeated();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return repeated ? reflection->GetRepeatedString(message, field, index)
                      : reflection->GetString(message, field);
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(repeated ? reflection->GetRepeatedInt32(message, field, index)
                                   : reflection->GetInt32(message, field));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(repeated ? reflection->GetRepeatedInt64(message, field, index)
                                   : reflection->GetInt64(message, field));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(repeated ? reflection->GetRepeatedUInt32(message, field, index)
                                   : reflection->GetUInt32(message, field));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(repeated ? reflection->GetRepeatedUInt64(message, field, index)
                                   : reflection->GetUInt64(message, field));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return absl::StrFormat("%.4g", repeated ? reflection->GetRepeatedDouble(message, field, index)
                                              : reflection->GetDouble(message, field));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return absl::StrFormat("%.4g", repeated ? reflection->GetRepeatedFloat(message, field, index)
                                              : reflection->GetFloat(message, field));
    case FieldDescriptor::CPPTYPE_BOOL:
      return (repeated ? reflection->GetRepeatedBool(message, field, index)
                       : reflection->GetBool(message, field))
                 ? "true"
                 : "false";
    case FieldDescriptor::CPPTYPE_ENUM:
      return ShortEnumName(*(repeated ? reflection->GetRepeatedEnum(message, field, index)
                                      : reflection->GetEnum(message, field)));
    case FieldDescriptor::CPPTYPE_MESSAGE:
      if (!repeated && !reflection->HasField(message, field)) return "";
      return MessageText(repeated ? reflection->GetRepeatedMessage(message, field, index)
                                  : reflection->GetMessage(message, field));
  }
  return "";
}

std::string FieldValueText(const Message& message, const FieldDescriptor* field) {
  if (field->is_map()) {
    // Maps print as key=value pairs.
    std::vector<std::string> pairs;
    const Reflection* reflection = message.GetReflection();
    for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
      const Message& entry = reflection->GetRepeatedMessage(message, field, i);
      const auto* key = entry.GetDescriptor()->FindFieldByNumber(1);
      const auto* value = entry.GetDescriptor()->FindFieldByNumber(2);
      pairs.push_back(absl::StrCat(SingleValueText(entry, key, 0), "=",
                                   SingleValueText(entry, value, 0)));
    }
    std::sort(pairs.begin(), pairs.end());
    return absl::StrJoin(pairs, ", ");
  }
  if (field->is_repeated()) {
    std::vector<std::string> values;
    for (int i = 0; i < message.GetReflection()->FieldSize(message, field); ++i) {
      values.push_back(SingleValueText(message, field, i));
    }
    return absl::StrJoin(values, ", ");
  }
  return SingleValueText(message, field, 0);
}

}  // namespace

std::string HumanNumber(double value) {
  const double magnitude = std::fabs(value);
  if (magnitude >= 1000 || value == std::floor(value)) return absl::StrFormat("%.0f", value);
  if (magnitude >= 1) return absl::StrFormat("%.2f", value);
  return absl::StrFormat("%.3f", value);
}

Table::Table(std::vector<std::string> headers, size_t max_cell_width)
    : headers_(std::move(headers)), max_cell_width_(max_cell_width) {}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  for (std::string& cell : cells) cell = OneLine(std::move(cell), max_cell_width_);
  rows_.push_back(std::move(cells));
}

void Table::Print(std::ostream& out) const {
  std::vector<size_t> widths(headers_.size());
  for (size_t c = 0; c < headers_.size(); ++c) widths[c] = Width(headers_[c]);
  for (const auto& row : rows_) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], Width(row[c]));
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(widths[c] - Width(row[c]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  };
  print_row(headers_);
  for (const auto& row : rows_) print_row(row);
}

std::string FieldText(const Message& message, absl::string_view path) {
  const Message* current = &message;
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* field = current->GetDescriptor()->FindFieldByName(parts[i]);
    if (field == nullptr) return "?";
    if (i + 1 == parts.size()) return FieldValueText(*current, field);
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || field->is_repeated()) return "?";
    if (!current->GetReflection()->HasField(*current, field)) return "";
    current = &current->GetReflection()->GetMessage(*current, field);
  }
  return "?";
}

std::string ToJson(const Message& message, bool compact) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = !compact;
  options.preserve_proto_field_names = true;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  while (!json.empty() && json.back() == '\n') json.pop_back();
  return json;
}

void PrintMessage(CliContext& context, const Message& message) {
  if (context.json()) {
    context.out() << ToJson(message) << "\n";
    return;
  }
  Table table({"FIELD", "VALUE"}, 100);
  std::vector<const FieldDescriptor*> fields;
  message.GetReflection()->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    table.AddRow({field->name(), FieldValueText(message, field)});
  }
  table.Print(context.out());
}

void PrintList(CliContext& context, const Message& response,
               const std::vector<const Message*>& items, const std::vector<std::string>& paths,
               const std::string& next_page_token) {
  if (context.json()) {
    context.out() << ToJson(response) << "\n";
    return;
  }
  std::vector<std::string> headers;
  for (const std::string& path : paths) {
    std::string header = path;
    std::transform(header.begin(), header.end(), header.begin(),
                   [](unsigned char c) { return c == '.' ? '_' : std::toupper(c); });
    headers.push_back(header);
  }
  Table table(headers);
  for (const Message* item : items) {
    std::vector<std::string> row;
    for (const std::string& path : paths) row.push_back(FieldText(*item, path));
    table.AddRow(std::move(row));
  }
  table.Print(context.out());
  if (!next_page_token.empty()) {
    context.err() << "(more: --page-token " << next_page_token << ", or --all)\n";
  }
}

}  // namespace crm::crmctl
