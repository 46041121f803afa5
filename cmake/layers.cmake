include(GoogleTest)

# The directory of the throwaway PostgreSQL cluster that the CTest fixture `pg` starts and stops
# (tests/CMakeLists.txt); its tests find the server's URL in ${RT_TEST_PG_DIR}/url.
set(RT_TEST_PG_DIR ${CMAKE_BINARY_DIR}/pgtest)

# rt_layer(<target> <dir> [PG_TESTS] [DEPS ...] [TEST_DEPS ...]): a static library of every .cpp under <dir>
# except tests and benchmarks; and, when <dir> holds *_test.cpp files, <target>_test linking them with
# GoogleTest. PG_TESTS: the tests need the test cluster, so each runs after it started (FIXTURES_REQUIRED pg)
# with RT_TEST_PG_DIR in its environment.
function(rt_layer target dir)
    cmake_parse_arguments(ARG "PG_TESTS" "" "DEPS;TEST_DEPS" ${ARGN})
    file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${dir}/*.cpp)
    list(FILTER srcs EXCLUDE REGEX "_(test|pgtest|benchmark)\\.cpp$")
    if(srcs)
        add_library(${target} STATIC ${srcs})
        rt_target_defaults(${target})
        target_link_libraries(${target} PUBLIC ${ARG_DEPS})
    else()  # a layer of headers only
        add_library(${target} INTERFACE)
        target_include_directories(${target} INTERFACE ${PROJECT_SOURCE_DIR}/src)
        target_link_libraries(${target} INTERFACE ${ARG_DEPS})
    endif()

    file(GLOB_RECURSE tests CONFIGURE_DEPENDS ${dir}/*_test.cpp)
    if(tests)
        add_executable(${target}_test ${tests})
        rt_target_defaults(${target}_test)
        target_link_libraries(${target}_test PRIVATE ${target} ${ARG_TEST_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
        set(pg_properties "")
        if(ARG_PG_TESTS)
            set(pg_properties FIXTURES_REQUIRED pg ENVIRONMENT "RT_TEST_PG_DIR=${RT_TEST_PG_DIR}")
        endif()
        gtest_discover_tests(${target}_test DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit ${pg_properties})
    endif()
endfunction()
