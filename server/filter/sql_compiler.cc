#include "server/filter/sql_compiler.h"

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "server/filter/ast.h"
#include "server/filter/errors.h"
#include "server/filter/filter.h"
#include "server/filter/lexer.h"
#include "server/filter/literals.h"
#include "storage/sql_fragment.h"

namespace crm::filter::internal {
namespace {

using ::crm::storage::SqlFragment;
using ::crm::storage::SqlValue;

constexpr std::initializer_list<Comparator> kEqualityComparators = {
    Comparator::kEqual, Comparator::kNotEqual};
constexpr std::initializer_list<Comparator> kOrderedComparators = {
    Comparator::kEqual,   Comparator::kNotEqual,
    Comparator::kLess,    Comparator::kLessOrEqual,
    Comparator::kGreater, Comparator::kGreaterOrEqual};
constexpr std::initializer_list<Comparator> kStringComparators = {
    Comparator::kEqual,   Comparator::kNotEqual,
    Comparator::kLess,    Comparator::kLessOrEqual,
    Comparator::kGreater, Comparator::kGreaterOrEqual,
    Comparator::kHas};
constexpr std::initializer_list<Comparator> kHasComparator = {Comparator::kHas};

// `LIKE ? ESCAPE '\\'`: in MariaDB's default sql_mode the SQL literal '\\' is a
// single backslash, matching how LikeContainsPattern() escapes wildcards.
constexpr absl::string_view kLikeContainsSql = " LIKE ? ESCAPE '\\\\'";

absl::string_view SqlOperator(Comparator comparator) {
  switch (comparator) {
    case Comparator::kEqual:
      return "=";
    case Comparator::kNotEqual:
      return "<>";
    case Comparator::kLess:
      return "<";
    case Comparator::kLessOrEqual:
      return "<=";
    case Comparator::kGreater:
      return ">";
    case Comparator::kGreaterOrEqual:
      return ">=";
    case Comparator::kHas:
      break;  // `:` has no single SQL operator; callers handle it per type.
  }
  return "=";
}

std::string ComparatorList(std::initializer_list<Comparator> comparators) {
  std::vector<absl::string_view> texts;
  for (const Comparator comparator : comparators) {
    texts.push_back(ComparatorText(comparator));
  }
  return absl::StrJoin(texts, " ");
}

bool Contains(std::initializer_list<Comparator> comparators,
              Comparator wanted) {
  for (const Comparator comparator : comparators) {
    if (comparator == wanted) return true;
  }
  return false;
}

std::string DescribeLiteral(const Literal& literal) {
  switch (literal.kind) {
    case Literal::Kind::kString:
      return absl::StrCat("string ", QuoteForMessage(literal.text));
    case Literal::Kind::kWord:
      return absl::StrCat("unquoted ", QuoteForMessage(literal.text));
    case Literal::Kind::kNumber:
      return absl::StrCat("number ", QuoteForMessage(literal.text));
  }
  return "value";
}

// "string field "display_name"", "map field "attributes"".
std::string DescribeField(const FieldSpec& spec) {
  return absl::StrCat(ToAbsl(FieldTypeName(spec.type)), " field ",
                      QuoteForMessage(spec.name));
}

class SqlCompiler {
 public:
  explicit SqlCompiler(const FieldCatalog& catalog) : catalog_(catalog) {}

  absl::StatusOr<SqlFragment> Run(const Node& root) {
    SqlFragment fragment;
    if (absl::Status status = Emit(root, fragment.sql); !status.ok()) {
      return status;
    }
    fragment.params = std::move(params_);
    return fragment;
  }

 private:
  absl::Status Emit(const Node& node, std::string& sql) {
    switch (node.kind) {
      case Node::Kind::kRestriction:
        return EmitRestriction(node.restriction, sql);
      case Node::Kind::kAnd:
      case Node::Kind::kOr: {
        const absl::string_view separator =
            node.kind == Node::Kind::kAnd ? " AND " : " OR ";
        sql.append("(");
        for (size_t i = 0; i < node.children.size(); ++i) {
          if (i > 0) absl::StrAppend(&sql, separator);
          if (absl::Status status = Emit(node.children[i], sql); !status.ok()) {
            return status;
          }
        }
        sql.append(")");
        return absl::OkStatus();
      }
      case Node::Kind::kNot: {
        const Node& operand = node.children.front();
        // AND/OR operands bring their own parentheses.
        const bool needs_parentheses =
            operand.kind == Node::Kind::kRestriction ||
            operand.kind == Node::Kind::kNot;
        sql.append(needs_parentheses ? "NOT (" : "NOT ");
        if (absl::Status status = Emit(operand, sql); !status.ok()) {
          return status;
        }
        if (needs_parentheses) sql.append(")");
        return absl::OkStatus();
      }
    }
    return absl::OkStatus();
  }

  absl::Status EmitRestriction(const Restriction& restriction,
                               std::string& sql) {
    const absl::string_view path = restriction.field;
    const size_t dot = path.find('.');
    const absl::string_view name = path.substr(0, dot);
    const FieldSpec* spec =
        catalog_.Find(std::string_view(name.data(), name.size()));
    if (spec == nullptr) {
      return FilterError(absl::StrCat("unknown field ", QuoteForMessage(path)),
                         restriction.field_offset,
                         absl::StrCat("filterable fields: ",
                                      catalog_.field_names_for_message()));
    }
    if (dot != absl::string_view::npos) {
      const absl::string_view key = path.substr(dot + 1);
      return EmitMapKeyRestriction(restriction, *spec, key,
                                   restriction.field_offset + dot, sql);
    }
    switch (spec->type) {
      case FieldType::kString:
        return EmitString(restriction, *spec, sql);
      case FieldType::kInt64:
      case FieldType::kDouble:
      case FieldType::kMoneyMicros:
        return EmitNumber(restriction, *spec, sql);
      case FieldType::kTimestamp:
      case FieldType::kDate:
        return EmitTime(restriction, *spec, sql);
      case FieldType::kBool:
        return EmitBool(restriction, *spec, sql);
      case FieldType::kEnum:
        return EmitEnum(restriction, *spec, sql);
      case FieldType::kStringList:
        return EmitStringList(restriction, *spec, sql);
      case FieldType::kStringMap:
        return EmitMapPresence(restriction, *spec, sql);
      case FieldType::kResourceName:
        return EmitResourceName(restriction, *spec, sql);
    }
    return absl::OkStatus();
  }

  // `contact = "contacts/ID"` compares the id column with ID, so an index on the
  // column serves it (a CONCAT over the column could not use one).
  absl::Status EmitResourceName(const Restriction& restriction, const FieldSpec& spec,
                                std::string& sql) {
    if (absl::Status status = CheckComparator(restriction, spec, kEqualityComparators);
        !status.ok()) {
      return status;
    }
    if (absl::Status status = RequireQuotedString(restriction, spec); !status.ok()) {
      return status;
    }
    absl::string_view id = restriction.value.text;
    if (!absl::ConsumePrefix(&id, spec.resource_prefix) || id.empty() ||
        id.find('/') != absl::string_view::npos) {
      return FilterError(
          absl::StrCat("expected a resource name ", spec.resource_prefix, "{id} for ",
                       DescribeField(spec), " but found ", DescribeLiteral(restriction.value)),
          restriction.value.offset);
    }
    AppendComparison(spec.column, restriction.comparator, sql);
    params_.emplace_back(std::string(id));
    return absl::OkStatus();
  }

  // --- One emitter per family of types. -----------------------------------

  absl::Status EmitString(const Restriction& restriction, const FieldSpec& spec,
                          std::string& sql) {
    if (absl::Status status =
            CheckComparator(restriction, spec, kStringComparators);
        !status.ok()) {
      return status;
    }
    if (absl::Status status = RequireQuotedString(restriction, spec);
        !status.ok()) {
      return status;
    }
    if (restriction.comparator == Comparator::kHas) {
      absl::StrAppend(&sql, spec.column, kLikeContainsSql);
      params_.emplace_back(LikeContainsPattern(restriction.value.text));
    } else {
      AppendComparison(spec.column, restriction.comparator, sql);
      params_.emplace_back(restriction.value.text);
    }
    return absl::OkStatus();
  }

  absl::Status EmitNumber(const Restriction& restriction, const FieldSpec& spec,
                          std::string& sql) {
    if (absl::Status status =
            CheckComparator(restriction, spec, kOrderedComparators);
        !status.ok()) {
      return status;
    }
    const Literal& value = restriction.value;
    const absl::string_view example =
        spec.type == FieldType::kInt64 ? "5" : "12.5";
    if (value.kind != Literal::Kind::kNumber) {
      std::string hint =
          absl::StrCat("e.g. ", spec.name, " ",
                       ComparatorText(restriction.comparator), " ", example);
      if (value.kind == Literal::Kind::kString) {
        absl::StrAppend(&hint, " (numbers are written without quotes)");
      }
      return FilterError(
          absl::StrCat("expected a number for ", DescribeField(spec),
                       " but found ", DescribeLiteral(value)),
          value.offset, hint);
    }
    SqlValue param;
    if (spec.type == FieldType::kInt64) {
      absl::StatusOr<int64_t> parsed = ParseInt64Literal(value.text);
      if (!parsed.ok()) return InvalidValue(restriction, spec, parsed.status());
      param = *parsed;
    } else if (spec.type == FieldType::kDouble) {
      absl::StatusOr<double> parsed = ParseDoubleLiteral(value.text);
      if (!parsed.ok()) return InvalidValue(restriction, spec, parsed.status());
      param = *parsed;
    } else {
      absl::StatusOr<int64_t> parsed = ParseMoneyMicrosLiteral(value.text);
      if (!parsed.ok()) return InvalidValue(restriction, spec, parsed.status());
      param = *parsed;
    }
    AppendComparison(spec.column, restriction.comparator, sql);
    params_.push_back(std::move(param));
    return absl::OkStatus();
  }

  absl::Status EmitTime(const Restriction& restriction, const FieldSpec& spec,
                        std::string& sql) {
    if (absl::Status status =
            CheckComparator(restriction, spec, kOrderedComparators);
        !status.ok()) {
      return status;
    }
    if (absl::Status status = RequireQuotedString(restriction, spec);
        !status.ok()) {
      return status;
    }
    absl::StatusOr<std::string> parsed =
        spec.type == FieldType::kTimestamp
            ? ParseTimestampLiteral(restriction.value.text)
            : ParseDateLiteral(restriction.value.text);
    if (!parsed.ok()) return InvalidValue(restriction, spec, parsed.status());
    AppendComparison(spec.column, restriction.comparator, sql);
    params_.emplace_back(*std::move(parsed));
    return absl::OkStatus();
  }

  absl::Status EmitBool(const Restriction& restriction, const FieldSpec& spec,
                        std::string& sql) {
    if (absl::Status status =
            CheckComparator(restriction, spec, kEqualityComparators);
        !status.ok()) {
      return status;
    }
    const Literal& value = restriction.value;
    if (value.kind != Literal::Kind::kWord ||
        (value.text != "true" && value.text != "false")) {
      return FilterError(
          absl::StrCat("expected true or false for ", DescribeField(spec),
                       " but found ", DescribeLiteral(value)),
          value.offset,
          absl::StrCat("e.g. ", spec.name,
                       " = true (lowercase, without quotes)"));
    }
    AppendComparison(spec.column, restriction.comparator, sql);
    params_.emplace_back(value.text == "true");
    return absl::OkStatus();
  }

  absl::Status EmitEnum(const Restriction& restriction, const FieldSpec& spec,
                        std::string& sql) {
    if (absl::Status status =
            CheckComparator(restriction, spec, kEqualityComparators);
        !status.ok()) {
      return status;
    }
    const Literal& value = restriction.value;
    std::vector<absl::string_view> names;
    for (const auto& [name, stored] : spec.enum_values) {
      if (value.kind != Literal::Kind::kNumber && name == value.text) {
        AppendComparison(spec.column, restriction.comparator, sql);
        params_.emplace_back(stored);
        return absl::OkStatus();
      }
      names.push_back(name);
    }
    const std::string hint =
        absl::StrCat("allowed values: ", absl::StrJoin(names, ", "));
    if (value.kind == Literal::Kind::kNumber) {
      return FilterError(
          absl::StrCat("expected a value name for ", DescribeField(spec),
                       " but found ", DescribeLiteral(value)),
          value.offset, hint);
    }
    return FilterError(
        absl::StrCat("unknown value ", QuoteForMessage(value.text), " for ",
                     DescribeField(spec)),
        value.offset, hint);
  }

  absl::Status EmitStringList(const Restriction& restriction,
                              const FieldSpec& spec, std::string& sql) {
    if (absl::Status status = CheckComparator(
            restriction, spec, kHasComparator,
            absl::StrCat(
                "use ':' to test whether the list contains a value, e.g. ",
                spec.name, ":\"vip\""));
        !status.ok()) {
      return status;
    }
    if (absl::Status status = RequireQuotedString(restriction, spec);
        !status.ok()) {
      return status;
    }
    absl::StrAppend(&sql, "JSON_CONTAINS(", spec.column, ", JSON_QUOTE(?))");
    params_.emplace_back(restriction.value.text);
    return absl::OkStatus();
  }

  // `attributes:KEY`
  absl::Status EmitMapPresence(const Restriction& restriction,
                               const FieldSpec& spec, std::string& sql) {
    if (absl::Status status = CheckComparator(
            restriction, spec, kHasComparator,
            absl::StrCat("use ", spec.name,
                         ".KEY = \"value\" to compare a value or ", spec.name,
                         ":KEY to test whether a key is present"));
        !status.ok()) {
      return status;
    }
    const Literal& value = restriction.value;
    if (!IsValidMapKey(value.text)) {
      return InvalidKey(spec, value.text, value.offset);
    }
    absl::StrAppend(&sql, "JSON_CONTAINS_PATH(", spec.column, ", 'one', ?)");
    params_.emplace_back(JsonPathForKey(value.text));
    return absl::OkStatus();
  }

  // `attributes.KEY <op> "value"`; `dot_offset` is where the '.' is.
  absl::Status EmitMapKeyRestriction(const Restriction& restriction,
                                     const FieldSpec& spec,
                                     absl::string_view key, size_t dot_offset,
                                     std::string& sql) {
    if (spec.type != FieldType::kStringMap) {
      return FilterError(absl::StrCat(DescribeField(spec), " has no subfields"),
                         dot_offset,
                         absl::StrCat("write ", spec.name, " ",
                                      ComparatorText(restriction.comparator),
                                      " ... without a '.'"));
    }
    if (!IsValidMapKey(key)) return InvalidKey(spec, key, dot_offset + 1);
    if (absl::Status status = CheckComparator(
            restriction, spec, kOrderedComparators,
            absl::StrCat("compare the value with = != < <= > >=, or use ",
                         spec.name, ":", key,
                         " to test whether the key is present"));
        !status.ok()) {
      return status;
    }
    if (absl::Status status = RequireQuotedString(restriction, spec);
        !status.ok()) {
      return status;
    }
    // A missing key extracts NULL, so neither `=` nor `<>` matches such rows.
    AppendComparison(
        absl::StrCat("JSON_UNQUOTE(JSON_EXTRACT(", spec.column, ", ?))"),
        restriction.comparator, sql);
    params_.emplace_back(JsonPathForKey(key));
    params_.emplace_back(restriction.value.text);
    return absl::OkStatus();
  }

  // --- Helpers. ------------------------------------------------------------

  static void AppendComparison(absl::string_view lhs, Comparator comparator,
                               std::string& sql) {
    absl::StrAppend(&sql, lhs, " ", SqlOperator(comparator), " ?");
  }

  // Rejects an operator the field's type does not support. `hint` replaces the
  // default "<type> fields support ..." advice when there is a better one.
  static absl::Status CheckComparator(const Restriction& restriction,
                                      const FieldSpec& spec,
                                      std::initializer_list<Comparator> allowed,
                                      absl::string_view hint = {}) {
    if (Contains(allowed, restriction.comparator)) return absl::OkStatus();
    return FilterError(
        absl::StrCat("operator '", ComparatorText(restriction.comparator),
                     "' is not supported for ", DescribeField(spec)),
        restriction.comparator_offset,
        hint.empty() ? absl::StrCat(ToAbsl(FieldTypeName(spec.type)),
                                    " fields support ", ComparatorList(allowed))
                     : std::string(hint));
  }

  static absl::Status RequireQuotedString(const Restriction& restriction,
                                          const FieldSpec& spec) {
    const Literal& value = restriction.value;
    if (value.kind == Literal::Kind::kString) return absl::OkStatus();
    // For text fields the fix is to quote what the client wrote.
    std::string example = QuoteForMessage(value.text);
    if (spec.type == FieldType::kTimestamp) {
      example = "\"2026-01-02T03:04:05Z\"";
    }
    if (spec.type == FieldType::kDate) example = "\"2026-01-02\"";
    absl::string_view field = spec.name;
    std::string path;
    if (spec.type == FieldType::kStringMap) {
      path = restriction.field;
      field = path;
    }
    return FilterError(
        absl::StrCat("expected a quoted string for ", DescribeField(spec),
                     " but found ", DescribeLiteral(value)),
        value.offset,
        absl::StrCat("e.g. ", field, " ",
                     ComparatorText(restriction.comparator), " ", example));
  }

  static absl::Status InvalidValue(const Restriction& restriction,
                                   const FieldSpec& spec,
                                   const absl::Status& reason) {
    return FilterError(
        absl::StrCat("value ", QuoteForMessage(restriction.value.text), " for ",
                     DescribeField(spec), " ", reason.message()),
        restriction.value.offset);
  }

  static absl::Status InvalidKey(const FieldSpec& spec, absl::string_view key,
                                 size_t offset) {
    return FilterError(
        absl::StrCat("invalid key ", QuoteForMessage(key), " for ",
                     DescribeField(spec)),
        offset,
        absl::StrCat("keys are 1 to ", kMaxMapKeyLength,
                     " characters from A-Z a-z 0-9 _ -, e.g. ", spec.name,
                     ".tier = \"gold\" or ", spec.name, ":tier"));
  }

  const FieldCatalog& catalog_;
  std::vector<SqlValue> params_;
};

}  // namespace

absl::StatusOr<SqlFragment> CompileToSql(const Node& root,
                                         const FieldCatalog& catalog) {
  return SqlCompiler(catalog).Run(root);
}

}  // namespace crm::filter::internal
