# Scenario files: parsing, validation messages, every shipped file. Paths come from this file's
# folder, so the suite finds scenarios/ and its fixtures from any build directory.
get_filename_component(LEAPSIM_SCENARIO_TEST_ROOT "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
add_executable(scenario_tests
  "${CMAKE_CURRENT_LIST_DIR}/scenario_test.cpp"
  "${CMAKE_CURRENT_LIST_DIR}/scenario_errors_test.cpp"
  "${CMAKE_CURRENT_LIST_DIR}/calibration_file_test.cpp"
  "${CMAKE_CURRENT_LIST_DIR}/sweep_test.cpp")
target_compile_definitions(scenario_tests PRIVATE LEAPSIM_SOURCE_DIR="${LEAPSIM_SCENARIO_TEST_ROOT}")
target_link_libraries(scenario_tests PRIVATE leapsim_innovation_scenario GTest::gtest_main leapsim_warnings)
# The prefix lets `ctest -R scenario` select this whole suite.
gtest_discover_tests(scenario_tests TEST_PREFIX "scenario." DISCOVERY_TIMEOUT 60)
