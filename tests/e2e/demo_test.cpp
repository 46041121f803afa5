// `reftrack demo` against the real binary: it fills a database whose ledger verifies and whose rows match the
// summary it prints.
#include <chrono>
#include <regex>

#include "direct_db.hpp"
#include "e2e_fixture.hpp"

namespace rt::testing {
namespace {

class Demo : public E2eTest {
  protected:
    void SetUp() override {}  // no server: the command works on the database alone

    // The first integer of the summary line that starts with `label`, or -1.
    static long long Number(const std::string& out, const std::string& label, int group = 1) {
        std::smatch m;
        const std::regex line("\\n  " + label + " +(\\d+)(?: \\((\\d+)[^,)]*(?:, (\\d+))?)?");
        if (!std::regex_search(out, m, line) || !m[group].matched) return -1;
        return std::stoll(m[group].str());
    }

    // One integer from the database; `sql` names the program ?1 and may name more parameters ?2, ….
    long long Count(const std::string& sql, const std::string& program_id, const std::vector<std::string>& more = {}) {
        std::vector<std::string> params{program_id};
        params.insert(params.end(), more.begin(), more.end());
        return DirectDb(db_url()).QueryInt(sql, params);
    }
};

TEST_F(Demo, FillsADatabaseThatVerifiesAndMatchesItsSummary) {
    auto run = Reftrack({"demo", "--db", db_url(), "--partners", "20", "--days", "30", "--clicks", "20000"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    std::smatch program;
    ASSERT_TRUE(std::regex_search(run.out, program, std::regex("^demo program (prg_[0-9a-z]{26}) \"Demo program ")))
        << run.out;
    const std::string id = program[1];

    EXPECT_EQ(Number(run.out, "clicks"), 20000) << run.out;
    EXPECT_EQ(Count("SELECT count(*) FROM clicks WHERE program_id = ?1", id), 20000);
    EXPECT_EQ(Count("SELECT count(*) FROM clicks WHERE program_id = ?1 AND bot = 1", id), Number(run.out, "clicks", 2));
    EXPECT_EQ(Count("SELECT count(*) FROM clicks WHERE program_id = ?1 AND is_unique = 1", id),
              Number(run.out, "clicks", 3));
    EXPECT_GT(Count("SELECT count(DISTINCT partner_id) FROM clicks WHERE program_id = ?1", id), 10);
    EXPECT_EQ(Count("SELECT count(*) FROM partners WHERE program_id = ?1", id), 20);
    EXPECT_EQ(Count("SELECT count(*) FROM links WHERE program_id = ?1", id), Number(run.out, "links"));
    const auto referrals = Number(run.out, "referrals");
    EXPECT_GT(referrals, 500) << run.out;
    EXPECT_EQ(Count("SELECT count(*) FROM referrals WHERE program_id = ?1", id), referrals);
    const auto sales = Number(run.out, "conversions");
    EXPECT_GT(sales, 50) << run.out;
    EXPECT_EQ(Count("SELECT count(*) FROM conversions WHERE program_id = ?1 AND type = 'sale'", id), sales);
    EXPECT_EQ(Count("SELECT count(*) FROM conversions WHERE program_id = ?1 AND type = 'refund'", id),
              Number(run.out, "refunds"));
    EXPECT_NE(run.out.find("\n  elapsed      "), std::string::npos) << run.out;
    // Nothing in the future: the period is the 30 whole days before today. (Now is taken to the whole second,
    // as SQLite's unixepoch() gives it.)
    const auto now_s =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    EXPECT_EQ(
        Count("SELECT count(*) FROM clicks WHERE program_id = ?1 AND at > ?2", id, {std::to_string(now_s * 1000)}), 0);

    // Not a terminal: the progress comes as whole lines, the last at 100%.
    EXPECT_NE(run.err.find("demo: 100% 20000/20000 clicks"), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find('\r'), std::string::npos);

    auto verify = Reftrack({"verify", "--db", db_url()});
    EXPECT_EQ(verify.exit_code, 0) << verify.err;
}

TEST_F(Demo, TheSameSeedGivesTheSameNumbersInANewProgram) {
    const std::vector<std::string> args{"demo", "--db",     db_url(), "--partners", "10", "--days",
                                        "7",    "--clicks", "3000",   "--seed",     "42"};
    auto first = Reftrack(args);
    auto second = Reftrack(args);
    ASSERT_EQ(first.exit_code, 0) << first.err;
    ASSERT_EQ(second.exit_code, 0) << second.err;
    auto numbers = [](const std::string& out) {
        const auto from = out.find("\n  partners");
        return out.substr(from, out.find("\n  elapsed") - from);
    };
    // Both runs simulate the same whole days unless midnight (UTC) passed between them.
    EXPECT_EQ(numbers(first.out), numbers(second.out));
    EXPECT_NE(first.out.substr(0, 40), second.out.substr(0, 40)) << "a second program";
    EXPECT_EQ(Reftrack({"verify", "--db", db_url()}).exit_code, 0);
}

TEST_F(Demo, BadOptionsGiveOneLineAndNonZero) {
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"--partners", "0"}, {"--days", "0"}, {"--clicks", "-5"}, {"--clicks", "many"}}) {
        std::vector<std::string> all{"demo", "--db", db_url()};
        all.insert(all.end(), args.begin(), args.end());
        auto r = Reftrack(all);
        EXPECT_EQ(r.exit_code, 2) << args[0];
        EXPECT_TRUE(r.err.starts_with("reftrack: ")) << r.err;
        EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
    }
    auto help = Reftrack({"demo", "--help"});
    EXPECT_EQ(help.exit_code, 0);
    for (const char* option : {"--partners", "--days", "--clicks", "--seed", "--db"}) {
        EXPECT_NE(help.out.find(option), std::string::npos) << option;
    }
}

}  // namespace
}  // namespace rt::testing
