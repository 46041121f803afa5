// The domain layer depends on the standard library only (DESIGN.md): this test reads every source file
// of src/core and fails on an include of anything else. The one exception is <tl/expected.hpp>, the
// C++23 std::expected backport behind Result<T>. Test files (*_test.cpp) are exempt: they use
// GoogleTest and the ports' fakes.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace rt::core {
namespace {

// The C++20 standard library headers, and the C library as the <cname> headers. The <name.h> forms
// are left out on purpose: the house uses <cstdio>, not <stdio.h>, and a ".h" is most often a
// third-party library (<sqlite3.h>, <sodium.h>).
const std::set<std::string, std::less<>> kStandardHeaders = {
    // C++ library
    "algorithm", "any", "array", "atomic", "barrier", "bit", "bitset", "charconv", "chrono", "codecvt", "compare",
    "complex", "concepts", "condition_variable", "coroutine", "deque", "exception", "execution", "expected",
    "filesystem", "format", "forward_list", "fstream", "functional", "future", "initializer_list", "iomanip", "ios",
    "iosfwd", "iostream", "istream", "iterator", "latch", "limits", "list", "locale", "map", "memory",
    "memory_resource", "mutex", "new", "numbers", "numeric", "optional", "ostream", "queue", "random", "ranges",
    "ratio", "regex", "scoped_allocator", "semaphore", "set", "shared_mutex", "source_location", "span", "sstream",
    "stack", "stdexcept", "stop_token", "streambuf", "string", "string_view", "syncstream", "system_error", "thread",
    "tuple", "type_traits", "typeindex", "typeinfo", "unordered_map", "unordered_set", "utility", "valarray", "variant",
    "vector", "version",
    // C library, C++ style
    "cassert", "cctype", "cerrno", "cfenv", "cfloat", "cinttypes", "climits", "clocale", "cmath", "csetjmp", "csignal",
    "cstdarg", "cstddef", "cstdint", "cstdio", "cstdlib", "cstring", "ctime", "cuchar", "cwchar", "cwctype"};

struct Include {
    std::string name;  // between the delimiters
    bool angled = false;
    std::string line;  // as written
};

// Every #include directive of `source` ("#  include", "# include" and trailing comments included).
std::vector<Include> Includes(std::string_view source) {
    std::vector<Include> out;
    std::istringstream in{std::string(source)};
    std::string line;
    while (std::getline(in, line)) {
        std::string_view rest = line;
        const auto skip_blanks = [&rest] {
            while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
        };
        skip_blanks();
        if (!rest.starts_with('#')) continue;
        rest.remove_prefix(1);
        skip_blanks();
        if (!rest.starts_with("include")) continue;
        rest.remove_prefix(7);
        skip_blanks();
        if (rest.empty()) continue;
        const char close = rest.front() == '<' ? '>' : '"';
        if (rest.front() != '<' && rest.front() != '"') {
            out.push_back({std::string(rest), false, line});  // a macro include: never allowed
            continue;
        }
        const std::size_t end = rest.find(close, 1);
        out.push_back({std::string(rest.substr(1, end == std::string_view::npos ? rest.npos : end - 1)),
                       rest.front() == '<', line});
    }
    return out;
}

bool Allowed(const Include& include) {
    if (include.angled) return kStandardHeaders.contains(include.name) || include.name == "tl/expected.hpp";
    return include.name.starts_with("core/") && include.name.find("..") == std::string::npos;
}

// The include lines of `source` that the domain layer may not have.
std::vector<std::string> ForbiddenIncludes(std::string_view source) {
    std::vector<std::string> out;
    for (const auto& include : Includes(source)) {
        if (!Allowed(include)) out.push_back(include.line);
    }
    return out;
}

TEST(CorePurity, CheckerFlagsForeignIncludes) {
    struct Row {
        const char* line;
        bool flagged;
    };
    const Row rows[] = {
        {"#include <boost/asio.hpp>", true},
        {"#include <sqlite3.h>", true},
        {"#include <libpq-fe.h>", true},
        {"#include <sodium.h>", true},
        {"#include <curl/curl.h>", true},
        {"#include <spdlog/spdlog.h>", true},
        {"#include <fmt/format.h>", true},
        {"#include <nlohmann/json.hpp>", true},
        {"#include <gtest/gtest.h>", true},
        {"#include <stdio.h>", true},
        {"#include <unistd.h>", true},
        {"#include <tl/optional.hpp>", true},
        {"#include \"ports/store.hpp\"", true},
        {"#include \"storage/sqlite/store.hpp\"", true},
        {"#include \"app/deps.hpp\"", true},
        {"#include \"time.hpp\"", true},  // relative: spell it "core/time.hpp"
        {"#include \"core/../ports/store.hpp\"", true},
        {"#include \"vector\"", true},
        {"#include <core/time.hpp>", true},
        {"#  include <boost/beast.hpp>", true},
        {"  #include <sqlite3.h>  // for the store", true},
        {"# include\t<sqlite3.h>", true},
        {"#include BOOST_HEADER", true},
        {"#include <vector>", false},
        {"#include <string_view>", false},
        {"#include <cstdint>", false},
        {"#include <tl/expected.hpp>", false},
        {"#include \"core/time.hpp\"", false},
        {"#  include <span>  // std::span", false},
        {"// #include <boost/asio.hpp>", false},  // a comment is not a directive
        {"#pragma once", false},
        {"#define X 1", false},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.line);
        EXPECT_EQ(ForbiddenIncludes(row.line).size(), row.flagged ? 1u : 0u);
    }
    const std::string file =
        "#pragma once\n#include <string>\n#include <boost/asio.hpp>\n#include \"core/ids.hpp\"\n"
        "#include <sqlite3.h>\n";
    EXPECT_EQ(ForbiddenIncludes(file), (std::vector<std::string>{"#include <boost/asio.hpp>", "#include <sqlite3.h>"}));
}

bool IsSource(const std::filesystem::path& path) {
    const std::string ext = path.extension().string();
    return ext == ".hpp" || ext == ".cpp" || ext == ".h" || ext == ".cc" || ext == ".ipp" || ext == ".inc";
}

bool IsTest(const std::filesystem::path& path) {
    const std::string stem = path.stem().string();
    return stem.ends_with("_test") || stem.ends_with("_pgtest") || stem.ends_with("_benchmark");
}

TEST(CorePurity, SourcesIncludeOnlyTheStandardLibraryAndCore) {
    const std::filesystem::path dir = std::filesystem::path(RT_SOURCE_DIR) / "src" / "core";
    ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
    int files = 0;
    int includes = 0;
    bool saw_expected = false;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file() || !IsSource(entry.path()) || IsTest(entry.path())) continue;
        std::ifstream in(entry.path());
        ASSERT_TRUE(in) << entry.path();
        std::stringstream text;
        text << in.rdbuf();
        ++files;
        const auto found = Includes(text.str());
        includes += static_cast<int>(found.size());
        saw_expected = saw_expected || std::any_of(found.begin(), found.end(),
                                                   [](const Include& i) { return i.name == "tl/expected.hpp"; });
        for (const auto& line : ForbiddenIncludes(text.str())) {
            ADD_FAILURE() << entry.path().filename().string() << ": " << line
                          << " — src/core may include only the standard library, \"core/...\" and <tl/expected.hpp>";
        }
    }
    EXPECT_GE(files, 10);
    EXPECT_GE(includes, files);  // every file includes something: the scan did read them
    EXPECT_TRUE(saw_expected);   // error.hpp's Result<T>: the allowed exception was seen, not skipped
}

}  // namespace
}  // namespace rt::core
