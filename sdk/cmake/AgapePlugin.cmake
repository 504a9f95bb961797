# agape_add_plugin(<target> SOURCES ...) builds a plugin shared library the
# kernel can load (the file is lib<target>.so, found through plugins.paths).
function(agape_add_plugin target)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE agape::sdk)
  target_compile_features(${target} PRIVATE cxx_std_20)
  # GCC marks static locals of inline functions as "unique" symbols, which can
  # keep a library mapped after dlclose; plugins must be unloadable.
  target_compile_options(${target} PRIVATE $<$<CXX_COMPILER_ID:GNU>:-fno-gnu-unique>)
endfunction()
