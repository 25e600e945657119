#!/usr/bin/python3
"""Writes docs/api.md, the API reference of the CRM platform, from the protos.

How to regenerate docs/api.md (after changing anything in protos/crm/v1/, or this
script), then commit it:

    cmake --build build --target update_api_docs -j2

The normal build (target `api_docs`, part of `all`) only writes build/docs/api.md; it
never touches the source tree. The CTest test `api_docs_up_to_date` fails while the
committed docs/api.md differs from that file, and says to run the command above.

What the targets run (docs/CMakeLists.txt):

    protoc --proto_path=protos --include_source_info --include_imports \\
        --descriptor_set_out=build/docs/crm_api_descriptor_set.pb <CRM_PROTO_FILES>
    /usr/bin/python3 docs/gen_api_docs.py generate \\
        --descriptor-set build/docs/crm_api_descriptor_set.pb \\
        --output build/docs/api.md <CRM_PROTO_FILES>
    /usr/bin/python3 docs/gen_api_docs.py check \\
        --generated build/docs/api.md --committed docs/api.md

The files are documented in the order given (CRM_PROTO_FILES of protos/CMakeLists.txt:
common types first, then the services in the order of the README), each with its
services and RPCs, then its messages and enums in source order (nested ones after their
parent). Every description is the element's leading comment (and trailing comment, when
there is one) from the source info, so the output depends only on the protos and this
script: no timestamps, no absolute paths, diffable.

Needs python3-protobuf (Debian 12: 3.21), hence the system interpreter.
"""

import argparse
import difflib
import pathlib
import re
import sys

from google.protobuf import descriptor_pb2

PACKAGE = "crm.v1"

_FIELD = descriptor_pb2.FieldDescriptorProto

# Field numbers of descriptor.proto, as used in SourceCodeInfo.Location.path.
_FILE_PACKAGE = 2
_FILE_MESSAGE_TYPE = 4
_FILE_ENUM_TYPE = 5
_FILE_SERVICE = 6
_MESSAGE_FIELD = 2
_MESSAGE_NESTED_TYPE = 3
_MESSAGE_ENUM_TYPE = 4
_MESSAGE_ONEOF_DECL = 8
_ENUM_VALUE = 2
_SERVICE_METHOD = 2

_SCALAR_TYPE_NAMES = {
    _FIELD.TYPE_DOUBLE: "double",
    _FIELD.TYPE_FLOAT: "float",
    _FIELD.TYPE_INT64: "int64",
    _FIELD.TYPE_UINT64: "uint64",
    _FIELD.TYPE_INT32: "int32",
    _FIELD.TYPE_FIXED64: "fixed64",
    _FIELD.TYPE_FIXED32: "fixed32",
    _FIELD.TYPE_BOOL: "bool",
    _FIELD.TYPE_STRING: "string",
    _FIELD.TYPE_BYTES: "bytes",
    _FIELD.TYPE_UINT32: "uint32",
    _FIELD.TYPE_SFIXED32: "sfixed32",
    _FIELD.TYPE_SFIXED64: "sfixed64",
    _FIELD.TYPE_SINT32: "sint32",
    _FIELD.TYPE_SINT64: "sint64",
}

# A resource message's `name` comment starts with its pattern, e.g. `contacts/{contact}`.
_RESOURCE_PATTERN = re.compile(r"`([A-Za-z]+/\{[^`{}]+\}(?:/[A-Za-z]+/\{[^`{}]+\})*)`")


# --- Markdown text --------------------------------------------------------------------

# A code span: a run of backticks, content, the same run again (CommonMark).
_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.S)
# Characters that would start emphasis, links, HTML, tables, strikethrough or maths.
_PROSE_SPECIALS = re.compile(r"[\\*\[\]<|~$]")
# `_` starts or ends emphasis unless it sits between two letters or digits.
_LOOSE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_ENTITY_LIKE = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# Line starts Markdown would read as a heading, quote, list marker or heading underline.
# `- ` and `1. ` lists are left alone: a comment may mean them.
_BLOCK_START = re.compile(r"^(\s*)([#>+=]|-+\s*$)")


def _escape_prose(text, *, block):
    text = _PROSE_SPECIALS.sub(lambda match: "\\" + match.group(0), text)
    text = _LOOSE_UNDERSCORE.sub(r"\\_", text)
    text = _ENTITY_LIKE.sub("&amp;", text)
    if block:
        text = "\n".join(_BLOCK_START.sub(r"\1\\\2", line) for line in text.split("\n"))
    return text


def _escape_paragraph(paragraph, *, in_table):
    """Escapes one paragraph of comment text, leaving its code spans as code."""
    pieces = []
    position = 0
    for match in _CODE_SPAN.finditer(paragraph):
        pieces.append(_escape_prose(paragraph[position:match.start()], block=not in_table))
        code = match.group(0)
        if in_table:
            # GFM splits table cells before parsing code spans, so `|` needs its backslash
            # there too; the backslash does not show.
            code = code.replace("\n", " ").replace("|", "\\|")
        pieces.append(code)
        position = match.end()
    pieces.append(_escape_prose(paragraph[position:], block=not in_table))
    return "".join(pieces)


def _paragraphs(text):
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def markdown_block(text):
    """Comment text as Markdown paragraphs (line breaks kept inside a paragraph)."""
    return "\n\n".join(_escape_paragraph(p, in_table=False) for p in _paragraphs(text))


def markdown_cell(text):
    """Comment text as the content of one table cell: a single line."""
    cells = []
    for paragraph in _paragraphs(text):
        joined = " ".join(line.strip() for line in paragraph.split("\n") if line.strip())
        cells.append(_escape_paragraph(joined, in_table=True))
    return "<br><br>".join(cells)


def code(text):
    return f"`{text}`"


def anchor(full_name):
    return f'<a name="{full_name}"></a>'


# --- Descriptors ---------------------------------------------------------------------


class FileComments:
    """The source-info comments of one file, by descriptor path."""

    def __init__(self, file_proto):
        self._locations = {}
        for location in file_proto.source_code_info.location:
            # The first location of a path is the whole element.
            self._locations.setdefault(tuple(location.path), location)

    def text(self, path):
        location = self._locations.get(tuple(path))
        if location is None:
            return ""
        parts = [_clean_comment(location.leading_comments),
                 _clean_comment(location.trailing_comments)]
        return "\n\n".join(part for part in parts if part)

    def line(self, path):
        location = self._locations.get(tuple(path))
        return location.span[0] if location is not None else 0


def _clean_comment(comment):
    """Drops the space after `//` and the blank lines around a comment."""
    lines = [line[1:] if line.startswith(" ") else line for line in comment.split("\n")]
    return "\n".join(line.rstrip() for line in lines).strip("\n")


class TypeIndex:
    """Every message and enum of the descriptor set, by full name without leading dot."""

    def __init__(self, descriptor_set):
        self.messages = {}
        self.enums = {}
        for file_proto in descriptor_set.file:
            prefix = file_proto.package
            for message in file_proto.message_type:
                self._add_message(prefix, message)
            for enum in file_proto.enum_type:
                self.enums[_join(prefix, enum.name)] = enum

    def _add_message(self, prefix, message):
        full_name = _join(prefix, message.name)
        self.messages[full_name] = message
        for nested in message.nested_type:
            self._add_message(full_name, nested)
        for enum in message.enum_type:
            self.enums[_join(full_name, enum.name)] = enum

    def has(self, full_name):
        return full_name in self.messages or full_name in self.enums


def _join(prefix, name):
    return f"{prefix}.{name}" if prefix else name


def local_name(full_name):
    """`crm.v1.Contact.Gender` -> `Contact.Gender`; other packages keep their prefix."""
    if full_name.startswith(PACKAGE + "."):
        return full_name[len(PACKAGE) + 1:]
    return full_name


def type_link(type_name):
    """A type as inline Markdown: a link for crm.v1 types, plain code for the others."""
    full_name = type_name.lstrip(".")
    if full_name.startswith(PACKAGE + "."):
        return f"[{code(local_name(full_name))}](#{full_name})"
    return code(full_name)


class Element:
    """A message or enum to document, with its descriptor path inside its file."""

    def __init__(self, kind, full_name, proto, path):
        self.kind = kind
        self.full_name = full_name
        self.proto = proto
        self.path = path


def file_elements(file_proto, comments):
    """The file's messages and enums in source order, nested ones after their parent."""
    top_level = [
        (comments.line([_FILE_MESSAGE_TYPE, i]), "message", message, [_FILE_MESSAGE_TYPE, i])
        for i, message in enumerate(file_proto.message_type)
    ] + [
        (comments.line([_FILE_ENUM_TYPE, i]), "enum", enum, [_FILE_ENUM_TYPE, i])
        for i, enum in enumerate(file_proto.enum_type)
    ]
    elements = []
    for _, kind, proto, path in sorted(top_level, key=lambda item: (item[0], item[3])):
        _collect(elements, kind, _join(file_proto.package, proto.name), proto, path, comments)
    return elements


def _collect(elements, kind, full_name, proto, path, comments):
    elements.append(Element(kind, full_name, proto, path))
    if kind != "message":
        return
    nested = [
        (comments.line(path + [_MESSAGE_NESTED_TYPE, i]), "message", message,
         path + [_MESSAGE_NESTED_TYPE, i])
        for i, message in enumerate(proto.nested_type)
        if not message.options.map_entry  # shown as map<K, V> on its field instead
    ] + [
        (comments.line(path + [_MESSAGE_ENUM_TYPE, i]), "enum", enum,
         path + [_MESSAGE_ENUM_TYPE, i])
        for i, enum in enumerate(proto.enum_type)
    ]
    for _, nested_kind, nested_proto, nested_path in sorted(
            nested, key=lambda item: (item[0], item[3])):
        _collect(elements, nested_kind, _join(full_name, nested_proto.name), nested_proto,
                 nested_path, comments)


def resource_patterns(files, comments_by_file):
    """(message full name, name pattern) of each resource: a top-level message that is
    no RPC's request and whose `name` field's comment quotes a pattern."""
    requests = {method.input_type.lstrip(".")
                for file_proto in files
                for service in file_proto.service
                for method in service.method}
    resources = []
    for file_proto in files:
        for i, message in enumerate(file_proto.message_type):
            if _join(file_proto.package, message.name) in requests:
                continue
            for j, field in enumerate(message.field):
                if field.name != "name" or field.type != _FIELD.TYPE_STRING:
                    continue
                comment = comments_by_file[file_proto.name].text(
                    [_FILE_MESSAGE_TYPE, i, _MESSAGE_FIELD, j])
                match = _RESOURCE_PATTERN.search(comment)
                if match:
                    resources.append((_join(file_proto.package, message.name), match.group(1)))
    return resources


# --- Rendering -----------------------------------------------------------------------

# What the hand-written introduction links to; generation fails if one disappears.
_INTRO_LINK_TARGETS = ("crm.v1.TenantAdminService", "crm.v1.Role", "crm.v1.Money")

_INTRO = """\
All services are gRPC services of the protobuf package `crm.v1`, defined in
`protos/crm/v1/`. Partner systems call them through stubs generated from those files
(or through server reflection); the platform operator uses the same API. Every
description below is the comment of the element in the proto files.

## Calling the API

- **Authentication.** Every call carries the metadata `authorization: Bearer <key>`,
  where `<key>` is an API key (`crm_<key id>_<secret>`), shown once when
  [`TenantAdminService`](#crm.v1.TenantAdminService)`.CreateApiKey` creates it. A
  missing, malformed, unknown or revoked key is `UNAUTHENTICATED`; a key whose
  [`Role`](#crm.v1.Role) may not call a method gets `PERMISSION_DENIED`.
- **Tenancy.** The tenant of a call is the tenant of its key: no request field names a
  tenant, and another tenant's resource is `NOT_FOUND`, like a missing one. The
  platform-admin key manages tenants and keys but reaches no tenant data.
- **Resource names.** Resources are addressed by relative resource names such as
  `contacts/{contact}` (table below). Ids are server-generated; a resource's `name` is
  output only, and requests refer to other resources by their names.
- **Conventions** (Google AIPs): Create takes an optional `request_id` that makes it
  retry-safe; Update takes an `update_mask` and an optional `etag`; List takes
  `page_size`, `page_token`, `filter` (see [filtering.md](filtering.md)) and `order_by`.
  [`Money`](#crm.v1.Money) is in the tenant's currency; times are
  `google.protobuf.Timestamp`.
- **Errors** are gRPC status codes; an `INVALID_ARGUMENT` message starts with the path
  of the offending field. The [README](../README.md) lists the codes, roles and
  conventions in full.
"""


def _method_signature(method):
    request = type_link(method.input_type)
    response = type_link(method.output_type)
    if method.client_streaming:
        request = f"{code('stream')} {request}"
    if method.server_streaming:
        response = f"{code('stream')} {response}"
    streaming = {
        (False, False): "",
        (True, False): " (client streaming)",
        (False, True): " (server streaming)",
        (True, True): " (bidirectional streaming)",
    }[(method.client_streaming, method.server_streaming)]
    return f"{request} → {response}{streaming}"


def _render_service(out, file_proto, index, service, comments):
    path = [_FILE_SERVICE, index]
    full_name = _join(file_proto.package, service.name)
    out.append(f"### {anchor(full_name)}Service {code(service.name)}")
    out.append(markdown_block(comments.text(path)))
    for i, method in enumerate(service.method):
        out.append(f"#### {anchor(full_name + '.' + method.name)}{code(method.name)}")
        out.append(_method_signature(method))
        out.append(markdown_block(comments.text(path + [_SERVICE_METHOD, i])))


def _field_type(field, types):
    if field.type in (_FIELD.TYPE_MESSAGE, _FIELD.TYPE_ENUM):
        entry = types.messages.get(field.type_name.lstrip("."))
        if entry is not None and entry.options.map_entry:
            key, value = entry.field[0], entry.field[1]
            return f"map&lt;{_field_type(key, types)}, {_field_type(value, types)}&gt;"
        return type_link(field.type_name)
    return code(_SCALAR_TYPE_NAMES[field.type])


def _field_label(field, message, types, syntax):
    if field.label == _FIELD.LABEL_REPEATED:
        entry = types.messages.get(field.type_name.lstrip("."))
        return "map" if entry is not None and entry.options.map_entry else "repeated"
    if field.proto3_optional:
        return "optional"
    if field.HasField("oneof_index"):
        return f"oneof {code(message.oneof_decl[field.oneof_index].name)}"
    if field.label == _FIELD.LABEL_REQUIRED:
        return "required"
    if syntax == "proto2":
        return "optional"
    return ""


def _render_message(out, element, types, comments, syntax):
    message = element.proto
    out.append(f"### {anchor(element.full_name)}Message {code(local_name(element.full_name))}")
    out.append(markdown_block(comments.text(element.path)))
    if not message.field:
        out.append("No fields.")
        return
    rows = ["| Field | Type | Label | Number | Description |",
            "|---|---|---|---|---|"]
    for i, field in enumerate(message.field):
        description = markdown_cell(comments.text(element.path + [_MESSAGE_FIELD, i]))
        if field.options.deprecated:
            description = ("**Deprecated.** " + description).strip()
        rows.append(f"| {code(field.name)} | {_field_type(field, types)} | "
                    f"{_field_label(field, message, types, syntax)} | {field.number} | "
                    f"{description} |")
    out.append("\n".join(rows))
    oneofs = [
        (i, oneof) for i, oneof in enumerate(message.oneof_decl)
        if not any(f.proto3_optional and f.oneof_index == i for f in message.field)
    ]
    for i, oneof in oneofs:
        members = ", ".join(code(f.name) for f in message.field
                            if f.HasField("oneof_index") and f.oneof_index == i)
        comment = markdown_cell(comments.text(element.path + [_MESSAGE_ONEOF_DECL, i]))
        out.append(f"Oneof {code(oneof.name)} (at most one of {members}): {comment}".rstrip())


def _render_enum(out, element, comments):
    enum = element.proto
    out.append(f"### {anchor(element.full_name)}Enum {code(local_name(element.full_name))}")
    out.append(markdown_block(comments.text(element.path)))
    rows = ["| Value | Number | Description |", "|---|---|---|"]
    for i, value in enumerate(enum.value):
        description = markdown_cell(comments.text(element.path + [_ENUM_VALUE, i]))
        if value.options.deprecated:
            description = ("**Deprecated.** " + description).strip()
        rows.append(f"| {code(value.name)} | {value.number} | {description} |")
    out.append("\n".join(rows))


def _render_contents(out, files, elements_by_file):
    out.append("## Contents")
    lines = []
    for file_proto in files:
        lines.append(f"- [{code(file_proto.name)}](#{file_proto.name})")
        for service in file_proto.service:
            full_name = _join(file_proto.package, service.name)
            methods = ", ".join(f"[{method.name}](#{full_name}.{method.name})"
                                for method in service.method)
            lines.append(f"  - Service [{code(service.name)}](#{full_name}): {methods}")
        messages = [e for e in elements_by_file[file_proto.name] if e.kind == "message"]
        enums = [e for e in elements_by_file[file_proto.name] if e.kind == "enum"]
        for title, group in (("Messages", messages), ("Enums", enums)):
            if group:
                links = ", ".join(f"[{local_name(e.full_name)}](#{e.full_name})" for e in group)
                lines.append(f"  - {title}: {links}")
    out.append("\n".join(lines))


def _render_resources(out, files, comments_by_file):
    resources = resource_patterns(files, comments_by_file)
    if not resources:
        return
    rows = ["| Resource | Name |", "|---|---|"]
    for full_name, pattern in resources:
        rows.append(f"| [{code(local_name(full_name))}](#{full_name}) | {code(pattern)} |")
    out.append("\n".join(rows))


def render(descriptor_set, file_names):
    by_name = {file_proto.name: file_proto for file_proto in descriptor_set.file}
    missing = [name for name in file_names if name not in by_name]
    if missing:
        raise SystemExit(f"gen_api_docs: not in the descriptor set: {', '.join(missing)}")
    if not file_names:
        file_names = [f.name for f in descriptor_set.file if f.package == PACKAGE]
    files = [by_name[name] for name in file_names]
    types = TypeIndex(descriptor_set)
    services = {_join(f.package, s.name) for f in files for s in f.service}
    unknown = [name for name in _INTRO_LINK_TARGETS
               if not types.has(name) and name not in services]
    if unknown:
        raise SystemExit(f"gen_api_docs: the introduction links to {', '.join(unknown)}, "
                         "which the protos no longer define: update _INTRO")
    comments_by_file = {f.name: FileComments(f) for f in files}
    elements_by_file = {f.name: file_elements(f, comments_by_file[f.name]) for f in files}

    out = ["# CRM platform API reference",
           "<!-- Generated by docs/gen_api_docs.py from protos/crm/v1: do not edit.\n"
           "     Refresh: cmake --build build --target update_api_docs -->",
           _INTRO.rstrip("\n")]
    _render_resources(out, files, comments_by_file)
    _render_contents(out, files, elements_by_file)
    for file_proto in files:
        comments = comments_by_file[file_proto.name]
        out.append(f"## {anchor(file_proto.name)}{code(file_proto.name)}")
        out.append(markdown_block(comments.text([_FILE_PACKAGE])))
        for i, service in enumerate(file_proto.service):
            _render_service(out, file_proto, i, service, comments)
        for element in elements_by_file[file_proto.name]:
            if element.kind == "message":
                _render_message(out, element, types, comments, file_proto.syntax or "proto2")
            else:
                _render_enum(out, element, comments)
    return "\n\n".join(block for block in out if block) + "\n"


# --- Commands ------------------------------------------------------------------------


def _generate(args):
    descriptor_set = descriptor_pb2.FileDescriptorSet()
    descriptor_set.ParseFromString(pathlib.Path(args.descriptor_set).read_bytes())
    text = render(descriptor_set, args.files)
    pathlib.Path(args.output).write_text(text, encoding="utf-8")
    return 0


def _check(args):
    generated = pathlib.Path(args.generated)
    committed = pathlib.Path(args.committed)
    if not generated.exists():
        print(f"{generated} does not exist: build the api_docs target first.", file=sys.stderr)
        return 1
    expected = generated.read_text(encoding="utf-8")
    actual = committed.read_text(encoding="utf-8") if committed.exists() else ""
    if expected == actual:
        print(f"{committed} is up to date.")
        return 0
    diff = list(difflib.unified_diff(
        actual.splitlines(keepends=True), expected.splitlines(keepends=True),
        fromfile=f"{committed} (committed)", tofile=f"{generated} (from the protos)"))
    shown = 80
    sys.stderr.write("".join(diff[:shown]))
    if len(diff) > shown:
        sys.stderr.write(f"... ({len(diff) - shown} more diff lines)\n")
    print(f"\n{committed} is stale: it differs from the API reference generated from the "
          f"protos.\nRefresh it with\n    {args.refresh_command}\nand commit it.",
          file=sys.stderr)
    return 1


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", help="write the Markdown reference")
    generate.add_argument("--descriptor-set", required=True,
                          help="FileDescriptorSet from protoc --include_source_info "
                               "--include_imports")
    generate.add_argument("--output", required=True, help="Markdown file to write")
    generate.add_argument("files", nargs="*",
                          help="proto files to document, in this order (default: every "
                               f"{PACKAGE} file of the set)")
    generate.set_defaults(run=_generate)

    check = commands.add_parser("check", help="fail if the committed reference is stale")
    check.add_argument("--generated", required=True)
    check.add_argument("--committed", required=True)
    check.add_argument("--refresh-command",
                       default="cmake --build build --target update_api_docs")
    check.set_defaults(run=_check)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
