# Generates a C++ source holding every storage/migrations/NNNN_name.sql file, so the
# binary carries exactly the schema it was built for. Run by CMake in script mode.
file(GLOB migration_files "${MIGRATIONS_DIR}/*.sql")
list(SORT migration_files)
set(body "")
foreach(path ${migration_files})
  get_filename_component(file_name ${path} NAME_WE)
  string(REGEX MATCH "^([0-9]+)_(.+)$" matched ${file_name})
  if(NOT matched)
    message(FATAL_ERROR "migration ${path} must be named NNNN_name.sql")
  endif()
  math(EXPR version "${CMAKE_MATCH_1} + 0")
  set(name ${CMAKE_MATCH_2})
  file(READ ${path} sql)
  string(APPEND body "      {${version}, \"${name}\", R\"crm_sql(${sql})crm_sql\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp "// Generated from storage/migrations by embed_migrations.cmake. Do not edit.
#include \"storage/migrations.h\"

namespace crm::storage {

const std::vector<Migration>& KnownMigrations() {
  static const std::vector<Migration>* migrations = new std::vector<Migration>{
${body}  };
  return *migrations;
}

}  // namespace crm::storage
")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
