# cmake -DDIST=<dir> -DOUT=<file.cpp> -P web_embed.cmake
# Writes a C++ source holding every file under DIST as bytes, with its path, Content-Type and an ETag
# (the start of its SHA-256): the table rt::http::WebAssets() serves (src/http/routes_web.hpp).
cmake_minimum_required(VERSION 3.20)
file(GLOB_RECURSE files RELATIVE ${DIST} ${DIST}/*)
list(SORT files)
if(NOT "index.html" IN_LIST files)
    message(FATAL_ERROR "web: ${DIST} has no index.html")
endif()

set(types_html "text/html; charset=utf-8")
set(types_js "text/javascript; charset=utf-8")
set(types_mjs "text/javascript; charset=utf-8")
set(types_css "text/css; charset=utf-8")
set(types_json "application/json")
set(types_svg "image/svg+xml")
set(types_png "image/png")
set(types_ico "image/x-icon")
set(types_webp "image/webp")
set(types_woff2 "font/woff2")
set(types_txt "text/plain; charset=utf-8")
set(types_webmanifest "application/manifest+json")

set(arrays "")
set(table "")
set(index 0)
foreach(f IN LISTS files)
    get_filename_component(ext ${f} LAST_EXT)
    string(SUBSTRING "${ext}" 1 -1 ext)
    string(TOLOWER "${ext}" ext)
    if(NOT DEFINED types_${ext})
        message(FATAL_ERROR "web: no Content-Type known for ${f}; add its extension to cmake/web_embed.cmake")
    endif()
    file(READ ${DIST}/${f} hex HEX)
    file(SHA256 ${DIST}/${f} sha)
    string(SUBSTRING ${sha} 0 20 etag)
    string(LENGTH "${hex}" hex_length)
    math(EXPR size "${hex_length} / 2")
    if(size EQUAL 0)
        set(bytes "0")
    else()
        string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
        string(REGEX REPLACE "((0x..,){24})" "\\1\n" bytes "${bytes}")
    endif()
    string(APPEND arrays "// ${f}\nconst unsigned char kBytes${index}[] = {\n${bytes}};\n")
    string(APPEND table "    {\"${f}\", \"${types_${ext}}\", \"\\\"${etag}\\\"\", View(kBytes${index}, ${size})},\n")
    math(EXPR index "${index} + 1")
endforeach()

file(WRITE ${OUT}.tmp "// Generated from ${DIST} by cmake/web_embed.cmake; do not edit.
#include <span>
#include <string_view>

#include \"http/routes_web.hpp\"

namespace rt::http {
namespace {

std::string_view View(const unsigned char* bytes, std::size_t size) {
    return {reinterpret_cast<const char*>(bytes), size};
}

${arrays}
const WebAsset kAssets[] = {
${table}};

}  // namespace

std::span<const WebAsset> WebAssets() { return kAssets; }

}  // namespace rt::http
")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
