# The web app (web/: the dashboard and the partner portal) is built by npm and Vite, and every file of
# its output is compiled into rt_http, so the reftrack binary serves it with nothing beside it
# (src/http/routes_web.cpp). Included from src/http/CMakeLists.txt.
#
#   npm ci      when web/node_modules is missing or web/package-lock.json changed (cmake/web_build.cmake)
#   vite build  into <build>/web/dist whenever a source of the app changed; a stamp marks it done
#   embed       <build>/web/dist/** → <build>/src/http/web_assets.cpp (cmake/web_embed.cmake)
#
# -DRT_WEB_UI=OFF builds without Node.js: the binary then serves a page that says the UI was left out.
option(RT_WEB_UI "Build the web app (needs Node.js and npm) and embed it in the binary" ON)

set(rt_web_dir ${PROJECT_SOURCE_DIR}/web)
set(rt_web_dist ${CMAKE_BINARY_DIR}/web/dist)
set(rt_web_assets_cpp ${CMAKE_CURRENT_BINARY_DIR}/web_assets.cpp)

if(RT_WEB_UI)
    find_program(RT_NPM npm)
    if(NOT RT_NPM)
        message(FATAL_ERROR "npm not found: run scripts/bootstrap, or configure with -DRT_WEB_UI=OFF to build without the web UI")
    endif()
    file(GLOB_RECURSE rt_web_sources CONFIGURE_DEPENDS ${rt_web_dir}/src/* ${rt_web_dir}/public/*)
    list(APPEND rt_web_sources ${rt_web_dir}/index.html ${rt_web_dir}/package.json ${rt_web_dir}/package-lock.json
         ${rt_web_dir}/tsconfig.json ${rt_web_dir}/vite.config.ts)
    set(rt_web_stamp ${CMAKE_BINARY_DIR}/web/build.stamp)
    add_custom_command(
        OUTPUT ${rt_web_stamp}
        COMMAND ${CMAKE_COMMAND} -DWEB_DIR=${rt_web_dir} -DOUT_DIR=${rt_web_dist} -DSTAMP=${rt_web_stamp}
                -DNPM=${RT_NPM} -P ${PROJECT_SOURCE_DIR}/cmake/web_build.cmake
        DEPENDS ${rt_web_sources} ${PROJECT_SOURCE_DIR}/cmake/web_build.cmake
        COMMENT "Building the web app (npm ci if needed, vite build)"
        VERBATIM)
    add_custom_command(
        OUTPUT ${rt_web_assets_cpp}
        COMMAND ${CMAKE_COMMAND} -DDIST=${rt_web_dist} -DOUT=${rt_web_assets_cpp}
                -P ${PROJECT_SOURCE_DIR}/cmake/web_embed.cmake
        DEPENDS ${rt_web_stamp} ${PROJECT_SOURCE_DIR}/cmake/web_embed.cmake
        COMMENT "Embedding the web app"
        VERBATIM)
else()
    set(rt_web_placeholder ${CMAKE_BINARY_DIR}/web/placeholder)
    file(WRITE ${rt_web_placeholder}/index.html
         "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>reftrack</title></head><body>"
         "<h1>reftrack is running</h1><p>This binary was built without the web UI (RT_WEB_UI=OFF). "
         "The HTTP API is at <code>/api/v1</code>; its description at <a href=\"/api/openapi.json\">/api/openapi.json</a>."
         "</p></body></html>\n")
    add_custom_command(
        OUTPUT ${rt_web_assets_cpp}
        COMMAND ${CMAKE_COMMAND} -DDIST=${rt_web_placeholder} -DOUT=${rt_web_assets_cpp}
                -P ${PROJECT_SOURCE_DIR}/cmake/web_embed.cmake
        DEPENDS ${PROJECT_SOURCE_DIR}/cmake/web_embed.cmake
        COMMENT "Embedding the placeholder page (RT_WEB_UI=OFF)"
        VERBATIM)
endif()

target_sources(rt_http PRIVATE ${rt_web_assets_cpp})
