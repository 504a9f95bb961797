# Third-party libraries, all from Debian 12 packages. Each is wrapped in one
# target so that the rest of the build names what it uses and nothing more.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
pkg_check_modules(PISTACHE REQUIRED IMPORTED_TARGET libpistache)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(spdlog REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(CURL REQUIRED)
find_package(Boost 1.74 REQUIRED)
# Howard Hinnant's date library (C++20's <chrono> calendars and time zones,
# which GCC 12 lacks), its tz part reading the system's tzdata.
find_package(date REQUIRED)
# UTF-8 validation of what clients send (header-only).
find_package(utf8cpp REQUIRED)

# SOCI 4.0.3 ships neither a CMake config nor a .pc file.
find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
find_library(SOCI_CORE_LIBRARY soci_core REQUIRED)
find_library(SOCI_SQLITE3_LIBRARY soci_sqlite3 REQUIRED)
find_package(SQLite3 REQUIRED)
add_library(agape_soci INTERFACE)
target_include_directories(agape_soci INTERFACE ${SOCI_INCLUDE_DIR})
target_link_libraries(agape_soci INTERFACE ${SOCI_CORE_LIBRARY} ${SOCI_SQLITE3_LIBRARY} SQLite::SQLite3)
# PostgreSQL goes straight through libpq (the kernel owns each PGconn; see
# docs/architecture.md); SOCI serves SQLite only.
if(AGAPE_WITH_PG)
  find_package(PostgreSQL REQUIRED)
  target_link_libraries(agape_soci INTERFACE PostgreSQL::PostgreSQL)
  target_compile_definitions(agape_soci INTERFACE AGAPE_WITH_PG=1)
endif()

# http-parser 2.9 (the HTTP/1 parser Node.js used for a decade) reads
# requests off the wire; Pistache's own parser is never handed a byte.
find_path(HTTP_PARSER_INCLUDE_DIR http_parser.h REQUIRED)
find_library(HTTP_PARSER_LIBRARY http_parser REQUIRED)
add_library(agape_http_parser INTERFACE)
target_include_directories(agape_http_parser INTERFACE ${HTTP_PARSER_INCLUDE_DIR})
target_link_libraries(agape_http_parser INTERFACE ${HTTP_PARSER_LIBRARY})

add_library(agape_boost_dll INTERFACE)
target_link_libraries(agape_boost_dll INTERFACE Boost::headers ${CMAKE_DL_LIBS})
target_compile_definitions(agape_boost_dll INTERFACE BOOST_DLL_USE_STD_FS)

# Xapian 1.4 (the catalogue's search engine: BM25, Snowball stemmers,
# spelling correction, synonyms), by its pkg-config file.
pkg_check_modules(XAPIAN REQUIRED IMPORTED_TARGET xapian-core)
add_library(agape_xapian INTERFACE)
target_link_libraries(agape_xapian INTERFACE PkgConfig::XAPIAN)
