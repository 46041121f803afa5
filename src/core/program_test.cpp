#include "core/program.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace rt::core {
namespace {

const TimePoint kCreated{1'795'514'400'000};
const TimePoint kLater{1'795'600'800'000};
const ProgramId kId = *ProgramId::Parse("prg_01jd8x3k5m7n9p1q2r3s4t5v6w");

ProgramFields ValidFields() {
    return {.name = "Acme Partners",
            .currency = "EUR",
            .destination_domains = std::vector<std::string>{"shop.example.com"}};
}

std::vector<std::string> FieldNames(const Error& error) {
    std::vector<std::string> names;
    for (const auto& f : error.fields()) names.push_back(f.field);
    return names;
}

std::vector<Stage> Stages(int count) {
    std::vector<Stage> stages;
    for (int i = 0; i < count; ++i) stages.push_back({"s" + std::to_string(i), "Stage " + std::to_string(i)});
    stages.back().kind = StageKind::kWon;
    return stages;
}

std::vector<std::string> Domains(int count) {
    std::vector<std::string> domains;
    for (int i = 0; i < count; ++i) domains.push_back("d" + std::to_string(i) + ".example.com");
    return domains;
}

TEST(NewProgram, FillsDefaults) {
    const auto program = NewProgram(ValidFields(), kId, kCreated);
    ASSERT_TRUE(program.has_value()) << program.error().message();
    EXPECT_EQ(program->id, kId);
    EXPECT_EQ(program->name, "Acme Partners");
    EXPECT_EQ(program->currency.code(), "EUR");
    EXPECT_EQ(program->destination_domains, std::vector<std::string>{"shop.example.com"});
    EXPECT_EQ(program->attribution.model, AttributionModel::kLastClick);
    EXPECT_EQ(program->attribution.window_days, 90);
    EXPECT_EQ(program->stages, DefaultStages());
    EXPECT_EQ(program->created_at, kCreated);
    EXPECT_EQ(program->updated_at, kCreated);
}

TEST(NewProgram, NormalizesNameAndDomainsAndKeepsGivenSettings) {
    ProgramFields fields = ValidFields();
    fields.name = "  Acme Partners \n";
    fields.destination_domains = std::vector<std::string>{"Shop.Example.COM", "*.Example.org"};
    fields.attribution = AttributionSettings{AttributionModel::kTimeDecay, 30};
    fields.stages = std::vector<Stage>{{"lead", "Lead", StageKind::kOpen}, {"paid", "Paid", StageKind::kWon}};
    const auto program = NewProgram(fields, kId, kCreated);
    ASSERT_TRUE(program.has_value()) << program.error().message();
    EXPECT_EQ(program->name, "Acme Partners");
    EXPECT_EQ(program->destination_domains, (std::vector<std::string>{"shop.example.com", "*.example.org"}));
    EXPECT_EQ(program->attribution, (AttributionSettings{AttributionModel::kTimeDecay, 30}));
    EXPECT_EQ(program->stages, *fields.stages);
}

TEST(DefaultStages, AreNewQualifiedProposalWonLost) {
    const auto stages = DefaultStages();
    ASSERT_EQ(stages.size(), 5u);
    const char* keys[] = {"new", "qualified", "proposal", "won", "lost"};
    const StageKind kinds[] = {StageKind::kOpen, StageKind::kOpen, StageKind::kOpen, StageKind::kWon, StageKind::kLost};
    for (std::size_t i = 0; i < stages.size(); ++i) {
        EXPECT_EQ(stages[i].key, keys[i]);
        EXPECT_EQ(stages[i].kind, kinds[i]);
        EXPECT_FALSE(stages[i].name.empty());
    }
}

// Each row changes a valid create request and names exactly the fields that must be reported.
struct InvalidRow {
    const char* why;
    std::function<void(ProgramFields&)> change;
    std::vector<std::string> fields;  // empty: the request is valid
};

const std::vector<InvalidRow>& CreateRows() {
    static const std::vector<InvalidRow> rows = {
        {"valid as is", [](ProgramFields&) {}, {}},
        // Required fields.
        {"name missing", [](ProgramFields& f) { f.name.reset(); }, {"name"}},
        {"currency missing", [](ProgramFields& f) { f.currency.reset(); }, {"currency"}},
        {"domains missing", [](ProgramFields& f) { f.destination_domains.reset(); }, {"destination_domains"}},
        {"all missing", [](ProgramFields& f) { f = {}; }, {"name", "currency", "destination_domains"}},
        // name
        {"name empty", [](ProgramFields& f) { f.name = ""; }, {"name"}},
        {"name blank", [](ProgramFields& f) { f.name = " \t\n"; }, {"name"}},
        {"name 200 bytes", [](ProgramFields& f) { f.name = std::string(200, 'n'); }, {}},
        {"name 201 bytes", [](ProgramFields& f) { f.name = std::string(201, 'n'); }, {"name"}},
        {"name control character", [](ProgramFields& f) { f.name = "Acme\x01"; }, {"name"}},
        {"name invalid UTF-8", [](ProgramFields& f) { f.name = "Acme \xC3"; }, {"name"}},
        {"name UTF-8", [](ProgramFields& f) { f.name = "Café Partners €"; }, {}},
        // currency
        {"currency lower-case", [](ProgramFields& f) { f.currency = "eur"; }, {"currency"}},
        {"currency XXX", [](ProgramFields& f) { f.currency = "XXX"; }, {"currency"}},
        {"currency empty", [](ProgramFields& f) { f.currency = ""; }, {"currency"}},
        {"currency JPY", [](ProgramFields& f) { f.currency = "JPY"; }, {}},
        // destination_domains
        {"no domains", [](ProgramFields& f) { f.destination_domains->clear(); }, {"destination_domains"}},
        {"second domain bad",
         [](ProgramFields& f) { f.destination_domains->push_back("bad domain"); },
         {"destination_domains[1]"}},
        {"first and third bad",
         [](ProgramFields& f) {
             f.destination_domains = std::vector<std::string>{"x", "a.example.com", "https://b.com"};
         },
         {"destination_domains[0]", "destination_domains[2]"}},
        {"duplicate after normalization",
         [](ProgramFields& f) { f.destination_domains->push_back("SHOP.example.com"); },
         {"destination_domains[1]"}},
        {"duplicate wildcard",
         [](ProgramFields& f) {
             f.destination_domains = std::vector<std::string>{"*.a.com", "b.com", "*.A.com"};
         },
         {"destination_domains[2]"}},
        {"wildcard and its base are different",
         [](ProgramFields& f) { f.destination_domains->push_back("*.shop.example.com"); },
         {}},
        {"IP literal",
         [](ProgramFields& f) { f.destination_domains->push_back("127.0.0.1"); },
         {"destination_domains[1]"}},
        {"URL instead of domain",
         [](ProgramFields& f) { f.destination_domains = std::vector<std::string>{"https://shop.example.com"}; },
         {"destination_domains[0]"}},
        {"50 domains", [](ProgramFields& f) { f.destination_domains = Domains(50); }, {}},
        {"51 domains", [](ProgramFields& f) { f.destination_domains = Domains(51); }, {"destination_domains"}},
        // attribution
        {"window 0",
         [](ProgramFields& f) { f.attribution = AttributionSettings{.window_days = 0}; },
         {"attribution.window_days"}},
        {"window -1",
         [](ProgramFields& f) { f.attribution = AttributionSettings{.window_days = -1}; },
         {"attribution.window_days"}},
        {"window 1", [](ProgramFields& f) { f.attribution = AttributionSettings{.window_days = 1}; }, {}},
        {"window 365", [](ProgramFields& f) { f.attribution = AttributionSettings{.window_days = 365}; }, {}},
        {"window 366",
         [](ProgramFields& f) { f.attribution = AttributionSettings{.window_days = 366}; },
         {"attribution.window_days"}},
        // stages
        {"no stages", [](ProgramFields& f) { f.stages = std::vector<Stage>{}; }, {"stages"}},
        {"one won stage is not open first",
         [](ProgramFields& f) {
             f.stages = std::vector<Stage>{{"won", "Won", StageKind::kWon}};
         },
         {"stages[0].kind"}},
        {"20 stages", [](ProgramFields& f) { f.stages = Stages(20); }, {}},
        {"21 stages", [](ProgramFields& f) { f.stages = Stages(21); }, {"stages"}},
        {"first stage won",
         [](ProgramFields& f) {
             f.stages = std::vector<Stage>{{"won", "Won", StageKind::kWon}, {"new", "New", StageKind::kOpen}};
         },
         {"stages[0].kind"}},
        {"first stage lost",
         [](ProgramFields& f) {
             f.stages = std::vector<Stage>{{"lost", "Lost", StageKind::kLost}, {"won", "Won", StageKind::kWon}};
         },
         {"stages[0].kind"}},
        {"no won stage",
         [](ProgramFields& f) {
             f.stages = std::vector<Stage>{{"new", "New", StageKind::kOpen}, {"lost", "Lost", StageKind::kLost}};
         },
         {"stages"}},
        {"duplicate key",
         [](ProgramFields& f) {
             f.stages = std::vector<Stage>{{"new", "New", StageKind::kOpen}, {"new", "Again", StageKind::kWon}};
         },
         {"stages[1].key"}},
        {"key with upper case and space",
         [](ProgramFields& f) { (*(f.stages = DefaultStages()))[0].key = "New Lead"; },
         {"stages[0].key"}},
        {"key empty", [](ProgramFields& f) { (*(f.stages = DefaultStages()))[1].key = ""; }, {"stages[1].key"}},
        {"key 32 characters",
         [](ProgramFields& f) { (*(f.stages = DefaultStages()))[1].key = std::string(32, 'k'); },
         {}},
        {"key 33 characters",
         [](ProgramFields& f) { (*(f.stages = DefaultStages()))[1].key = std::string(33, 'k'); },
         {"stages[1].key"}},
        {"key with underscore", [](ProgramFields& f) { (*(f.stages = DefaultStages()))[1].key = "demo_booked"; }, {}},
        // Stage keys are [a-z0-9_] (program.hpp); regression: '-' was accepted, as in group slugs.
        {"key with hyphen",
         [](ProgramFields& f) { (*(f.stages = DefaultStages()))[1].key = "demo-booked"; },
         {"stages[1].key"}},
        {"name empty", [](ProgramFields& f) { (*(f.stages = DefaultStages()))[2].name = ""; }, {"stages[2].name"}},
        {"name 64 bytes", [](ProgramFields& f) { (*(f.stages = DefaultStages()))[2].name = std::string(64, 'n'); }, {}},
        {"name 65 bytes",
         [](ProgramFields& f) { (*(f.stages = DefaultStages()))[2].name = std::string(65, 'n'); },
         {"stages[2].name"}},
        {"name with newline",
         [](ProgramFields& f) { (*(f.stages = DefaultStages()))[2].name = "a\nb"; },
         {"stages[2].name"}},
        // Every problem at once.
        {"several fields",
         [](ProgramFields& f) {
             f.name = "";
             f.currency = "eur";
             f.destination_domains = std::vector<std::string>{"ok.example.com", "not ok"};
             f.attribution = AttributionSettings{.window_days = 0};
             f.stages = std::vector<Stage>{{"Bad Key", "", StageKind::kLost}};
         },
         {"currency", "name", "destination_domains[1]", "attribution.window_days", "stages[0].key", "stages[0].name",
          "stages[0].kind", "stages"}},
    };
    return rows;
}

TEST(NewProgram, NamesEveryInvalidField) {
    for (const auto& row : CreateRows()) {
        SCOPED_TRACE(row.why);
        ProgramFields fields = ValidFields();
        row.change(fields);
        const auto program = NewProgram(fields, kId, kCreated);
        if (row.fields.empty()) {
            EXPECT_TRUE(program.has_value()) << program.error().message();
            continue;
        }
        ASSERT_FALSE(program.has_value());
        EXPECT_EQ(program.error().code(), ErrorCode::kInvalid);
        EXPECT_EQ(FieldNames(program.error()), row.fields);
        for (const auto& f : program.error().fields()) EXPECT_FALSE(f.message.empty()) << f.field;
    }
}

TEST(PatchProgram, ChangesOnlyFieldsPresent) {
    const Program original = *NewProgram(ValidFields(), kId, kCreated);

    const auto renamed = PatchProgram(original, {.name = " Renamed "}, kLater);
    ASSERT_TRUE(renamed.has_value()) << renamed.error().message();
    EXPECT_EQ(renamed->name, "Renamed");
    EXPECT_EQ(renamed->currency, original.currency);
    EXPECT_EQ(renamed->destination_domains, original.destination_domains);
    EXPECT_EQ(renamed->attribution, original.attribution);
    EXPECT_EQ(renamed->stages, original.stages);
    EXPECT_EQ(renamed->created_at, kCreated);
    EXPECT_EQ(renamed->updated_at, kLater);

    const auto empty = PatchProgram(original, {}, kLater);
    ASSERT_TRUE(empty.has_value());
    EXPECT_EQ(empty->name, original.name);

    const auto redomained =
        PatchProgram(original, {.destination_domains = std::vector<std::string>{"*.Other.org"}}, kLater);
    ASSERT_TRUE(redomained.has_value());
    EXPECT_EQ(redomained->destination_domains, std::vector<std::string>{"*.other.org"});
}

TEST(PatchProgram, CurrencyIsImmutable) {
    const Program original = *NewProgram(ValidFields(), kId, kCreated);
    struct Row {
        const char* currency;
        bool accepted;
    };
    const Row rows[] = {{"EUR", true}, {"USD", false}, {"eur", false}, {"", false}, {"XXX", false}};
    for (const auto& row : rows) {
        SCOPED_TRACE(row.currency);
        const auto patched = PatchProgram(original, {.currency = row.currency}, kLater);
        ASSERT_EQ(patched.has_value(), row.accepted);
        if (patched) {
            EXPECT_EQ(patched->currency.code(), "EUR");
        } else {
            EXPECT_EQ(FieldNames(patched.error()), std::vector<std::string>{"currency"});
        }
    }
}

TEST(PatchProgram, ReportsEveryBadFieldOfThePatch) {
    const Program original = *NewProgram(ValidFields(), kId, kCreated);
    ProgramFields patch{.name = "",
                        .currency = "USD",
                        .destination_domains = std::vector<std::string>{"a.com", "a.com"},
                        .attribution = AttributionSettings{.window_days = 400}};
    const auto patched = PatchProgram(original, patch, kLater);
    ASSERT_FALSE(patched.has_value());
    EXPECT_EQ(FieldNames(patched.error()),
              (std::vector<std::string>{"name", "currency", "destination_domains[1]", "attribution.window_days"}));
}

TEST(AttributionModel, NamesRoundTrip) {
    struct Row {
        AttributionModel model;
        const char* name;
    };
    const Row rows[] = {{AttributionModel::kFirstClick, "first_click"},
                        {AttributionModel::kLastClick, "last_click"},
                        {AttributionModel::kLinear, "linear"},
                        {AttributionModel::kPositionBased, "position_based"},
                        {AttributionModel::kTimeDecay, "time_decay"}};
    for (const auto& row : rows) {
        SCOPED_TRACE(row.name);
        EXPECT_EQ(ToString(row.model), row.name);
        EXPECT_EQ(ParseAttributionModel(row.name), row.model);
    }
    for (const char* bad : {"", "LAST_CLICK", "last-click", "lastclick", " linear", "u_shaped"}) {
        EXPECT_FALSE(ParseAttributionModel(bad).has_value()) << bad;
    }
}

TEST(StageKind, NamesRoundTrip) {
    struct Row {
        StageKind kind;
        const char* name;
    };
    const Row rows[] = {{StageKind::kOpen, "open"}, {StageKind::kWon, "won"}, {StageKind::kLost, "lost"}};
    for (const auto& row : rows) {
        SCOPED_TRACE(row.name);
        EXPECT_EQ(ToString(row.kind), row.name);
        EXPECT_EQ(ParseStageKind(row.name), row.kind);
    }
    for (const char* bad : {"", "Open", "WON", "closed", "won "}) EXPECT_FALSE(ParseStageKind(bad).has_value()) << bad;
}

}  // namespace
}  // namespace rt::core
