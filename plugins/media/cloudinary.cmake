# The Cloudinary provider: a static library the media plugin links (PIC: it
# ends up in a shared module), and its tests against a fake Cloudinary on
# loopback. Included by the plugin's CMakeLists.txt; needs nothing else of it.
find_package(Poco REQUIRED COMPONENTS Foundation Net)

add_library(agape_media_cloudinary STATIC ${CMAKE_CURRENT_LIST_DIR}/src/cloudinary.cpp)
target_include_directories(agape_media_cloudinary PUBLIC ${CMAKE_CURRENT_LIST_DIR}/src)
target_link_libraries(agape_media_cloudinary
  PUBLIC agape::sdk nlohmann_json::nlohmann_json
  PRIVATE Poco::Net Poco::Foundation OpenSSL::Crypto)
set_target_properties(agape_media_cloudinary PROPERTIES POSITION_INDEPENDENT_CODE ON)
# Like the plugin itself: no GNU unique symbols, so the module can unload.
target_compile_options(agape_media_cloudinary PRIVATE $<$<CXX_COMPILER_ID:GNU>:-fno-gnu-unique>)

if(AGAPE_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
  add_executable(media_cloudinary_tests
    ${CMAKE_CURRENT_LIST_DIR}/tests/cloudinary_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tests/support/fake_cloudinary.cpp)
  # support/..., as the integration tests include it too.
  target_include_directories(media_cloudinary_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR}/tests)
  target_link_libraries(media_cloudinary_tests PRIVATE agape_media_cloudinary agape::testing Poco::Net Poco::Foundation
                                                       GTest::gtest GTest::gtest_main)
  gtest_discover_tests(media_cloudinary_tests DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
endif()
