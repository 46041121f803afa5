// The command line as API.md fixes it: help, version, one-line errors, configuration precedence.
#include <sys/stat.h>

#include <fstream>
#include <regex>

#include "direct_db.hpp"
#include "e2e_fixture.hpp"

namespace rt::testing {
namespace {

class Cli : public E2eTest {
  protected:
    void SetUp() override {}  // no server: these tests run the binary's other commands

    std::string WriteConfig(const std::string& text) {
        const auto path = dir_.path() / "reftrack.toml";
        std::ofstream(path) << text;
        return path.string();
    }
    static bool IsOneLineError(const CommandResult& r) {
        return r.exit_code != 0 && r.err.starts_with("reftrack: ") && r.err.find('\n') == r.err.size() - 1;
    }
};

TEST_F(Cli, VersionAndHelp) {
    auto version = Reftrack({"--version"});
    EXPECT_EQ(version.exit_code, 0);
    EXPECT_TRUE(version.out.starts_with("reftrack 0.")) << version.out;
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"--help"}, {"serve", "--help"}, {"migrate", "--help"}, {"keys", "create", "--help"}}) {
        auto r = Reftrack(args);
        EXPECT_EQ(r.exit_code, 0) << args.back();
        EXPECT_NE(r.out.find("--"), std::string::npos) << r.out;
    }
    EXPECT_NE(Reftrack({"serve", "--help"}).out.find("--listen"), std::string::npos);
    EXPECT_NE(Reftrack({"keys", "create", "--help"}).out.find("--scope"), std::string::npos);
}

TEST_F(Cli, BadArgumentsGiveOneLineAndNonZero) {
    EXPECT_TRUE(IsOneLineError(Reftrack({"fly"})));
    EXPECT_TRUE(IsOneLineError(Reftrack({"serve", "--no-such-flag"})));
    EXPECT_TRUE(IsOneLineError(Reftrack({"keys", "create"})));
    auto scope = Reftrack({"keys", "create", "--scope", "root", "--db", db_url()});
    EXPECT_TRUE(IsOneLineError(scope)) << scope.err;
}

TEST_F(Cli, BadSettingNamesTheSettingAndItsSource) {
    auto flag = Reftrack({"serve", "--listen", "nowhere", "--db", db_url()});
    ASSERT_TRUE(IsOneLineError(flag)) << flag.err;
    EXPECT_NE(flag.err.find("listen (from --listen)"), std::string::npos) << flag.err;

    auto env = Reftrack({"migrate", "--db", db_url()}, {{"REFTRACK_WORKERS", "0"}});
    ASSERT_TRUE(IsOneLineError(env)) << env.err;
    EXPECT_NE(env.err.find("workers (from REFTRACK_WORKERS)"), std::string::npos) << env.err;

    const auto file = WriteConfig("workers = 0\n");
    auto from_file = Reftrack({"migrate", "--config", file, "--db", db_url()});
    ASSERT_TRUE(IsOneLineError(from_file)) << from_file.err;
    EXPECT_NE(from_file.err.find("workers (from " + file + ")"), std::string::npos) << from_file.err;

    // Environment outranks the file, flags outrank both.
    EXPECT_EQ(Reftrack({"migrate", "--config", file, "--db", db_url()}, {{"REFTRACK_WORKERS", "4"}}).exit_code, 0);
    EXPECT_EQ(Reftrack({"migrate", "--config", file, "--db", db_url()}, {{"REFTRACK_WORKERS", "zero"}}).exit_code, 1);
    EXPECT_EQ(Reftrack({"migrate", "--db", db_url()}, {{"REFTRACK_DB", "mysql://nowhere/x"}}).exit_code, 0);
    auto unknown = Reftrack({"migrate", "--config", WriteConfig("colour = \"blue\"\n"), "--db", db_url()});
    ASSERT_TRUE(IsOneLineError(unknown)) << unknown.err;
    EXPECT_NE(unknown.err.find("colour"), std::string::npos);
}

TEST_F(Cli, DatabaseUrlFromEnvironmentAndFile) {
    // Each URL names a database of its own, empty until the migration that names it by file or environment.
    const auto from_file = NewDatabase("from-file");
    const auto file = WriteConfig("db = \"" + from_file + "\"\n");
    ASSERT_EQ(Reftrack({"migrate", "--config", file}).exit_code, 0);
    EXPECT_GT(DirectDb(from_file).QueryInt("SELECT count(*) FROM schema_migrations"), 0);
    const auto from_env = NewDatabase("from-env");
    ASSERT_EQ(Reftrack({"migrate"}, {{"REFTRACK_DB", from_env}}).exit_code, 0);
    EXPECT_GT(DirectDb(from_env).QueryInt("SELECT count(*) FROM schema_migrations"), 0);
}

TEST_F(Cli, UnreachableOrUnknownDatabaseIsOneLine) {
    EXPECT_TRUE(IsOneLineError(Reftrack({"migrate", "--db", "sqlite:///proc/no/such/dir/x.db"})));
    EXPECT_TRUE(IsOneLineError(Reftrack({"migrate", "--db", "mysql://localhost/x"})));
    EXPECT_TRUE(IsOneLineError(Reftrack({"serve", "--db", "sqlite:///proc/no/such/dir/x.db"})));
    EXPECT_TRUE(IsOneLineError(Reftrack({"migrate", "--db", "postgresql://reftrack@127.0.0.1:1/nowhere"})));
}

TEST_F(Cli, MigrateIsIdempotentAndRefusesANewerSchema) {
    auto first = Reftrack({"migrate", "--db", db_url()});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    // The secret key file is created private to its owner: beside the database on SQLite, where
    // REFTRACK_KEY_FILE says (in dir_) on PostgreSQL.
    struct stat st {};
    ASSERT_EQ(stat((dir_.path() / "reftrack.key").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    auto second = Reftrack({"migrate", "--db", db_url()});
    ASSERT_EQ(second.exit_code, 0) << second.err;
    EXPECT_EQ(first.out, second.out);

    ASSERT_EQ(DirectDb(db_url()).Execute("INSERT INTO schema_migrations(version, applied_at) VALUES (9999, 0)"), 1);
    auto refused = Reftrack({"migrate", "--db", db_url()});
    ASSERT_TRUE(IsOneLineError(refused)) << refused.err;
    EXPECT_NE(refused.err.find("9999"), std::string::npos) << refused.err;
    EXPECT_TRUE(IsOneLineError(Reftrack({"serve", "--db", db_url()})));
}

TEST_F(Cli, KeysCreatePrintsTheKeyAloneOnTheLastLine) {
    auto r = Reftrack({"keys", "create", "--scope", "admin", "--name", "ci", "--db", db_url()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_TRUE(r.out.ends_with("\n"));
    const std::string last = r.out.substr(r.out.rfind('\n', r.out.size() - 2) + 1);
    EXPECT_TRUE(std::regex_match(last, std::regex("rtk_[0-9a-z]{26}_[0-9a-z]{32}\n"))) << r.out;

    auto unknown_partner =
        Reftrack({"keys", "create", "--scope", "partner:prt_01jd0000000000000000000000", "--db", db_url()});
    EXPECT_TRUE(IsOneLineError(unknown_partner)) << unknown_partner.err;

    // The key is stored hashed: its secret appears nowhere in the database (its files, on SQLite).
    const std::string secret = last.substr(last.size() - 33, 32);
    const std::string bytes = DirectDb(db_url()).AllStoredBytes();
    EXPECT_EQ(bytes.find(secret), std::string::npos);
    // The key's id is stored as it is, which shows the scan reads the keys.
    EXPECT_NE(bytes.find(last.substr(4, 26)), std::string::npos) << last;
}

}  // namespace
}  // namespace rt::testing
