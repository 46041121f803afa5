# cmake -DWEB_DIR=<web> -DOUT_DIR=<dist> -DSTAMP=<file> -DNPM=<npm> -P web_build.cmake
# Installs web/node_modules exactly as package-lock.json says (npm ci) when it is missing or older than
# the lock file, type-checks and builds the app into OUT_DIR, then touches STAMP. Several build
# directories share web/node_modules: a lock file serialises them.
cmake_minimum_required(VERSION 3.20)
file(LOCK ${WEB_DIR}/.build.lock GUARD PROCESS TIMEOUT 900 RESULT_VARIABLE locked)
if(NOT locked EQUAL 0)
    message(FATAL_ERROR "web: cannot lock ${WEB_DIR}/.build.lock: ${locked}")
endif()

set(installed ${WEB_DIR}/node_modules/.package-lock.json)
if(NOT EXISTS ${installed} OR ${WEB_DIR}/package-lock.json IS_NEWER_THAN ${installed})
    message(STATUS "web: npm ci")
    # No install scripts: none of the dependencies needs one (esbuild finds its platform binary without).
    execute_process(COMMAND ${NPM} ci --ignore-scripts --no-audit --no-fund --loglevel=error
                    WORKING_DIRECTORY ${WEB_DIR} RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "web: npm ci failed (${rc}); the npm registry must be reachable for the first build")
    endif()
endif()

execute_process(COMMAND ${NPM} run --silent build -- --outDir ${OUT_DIR} --emptyOutDir --logLevel warn
                WORKING_DIRECTORY ${WEB_DIR} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "web: the build failed (${rc})")
endif()
file(TOUCH ${STAMP})
