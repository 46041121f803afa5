# cmake -DIN=<file> -DOUT=<file.cpp> -DSYMBOL=<name> -P embed.cmake
# Writes a C++ source defining `extern const char SYMBOL[]` with the file's bytes.
file(READ "${IN}" content)
string(FIND "${content}" ")RT_EMBED\"" clash)
if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${IN} contains the raw-string delimiter")
endif()
file(WRITE "${OUT}.tmp" "// Generated from ${IN} by cmake/embed.cmake; do not edit.\nnamespace rt::http {\nextern const char ${SYMBOL}[];\nconst char ${SYMBOL}[] = R\"RT_EMBED(${content})RT_EMBED\";\n}  // namespace rt::http\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
