# tickwire_add_gtest(NAME <target> LABEL <label> SOURCES ... LIBS ...)
# One GoogleTest executable; each TEST becomes a ctest test with a timeout and
# the module label (ctest -L net runs the net tests only, as the TSan CI job does).
include(GoogleTest)
find_package(GTest CONFIG REQUIRED)

function(tickwire_add_gtest)
  cmake_parse_arguments(T "" "NAME;LABEL;TIMEOUT" "SOURCES;LIBS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  tickwire_warnings(${T_NAME})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${T_NAME} PRIVATE
    TICKWIRE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    TICKWIRE_BINARY_DIR="${PROJECT_BINARY_DIR}")
  gtest_discover_tests(${T_NAME}
    DISCOVERY_TIMEOUT 60
    PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS ${T_LABEL})
endfunction()
