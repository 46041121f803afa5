#include "storage/open_store.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "support/temp_dir.hpp"

namespace rt::storage {
namespace {

// Changes the current directory for the life of the object (tests run on one thread).
class ChangeDir {
  public:
    explicit ChangeDir(const std::filesystem::path& to) : from_(std::filesystem::current_path()) {
        std::filesystem::current_path(to);
    }
    ~ChangeDir() { std::filesystem::current_path(from_); }

  private:
    std::filesystem::path from_;
};

TEST(OpenStoreTest, MemoryUrlOpensTheFake) {
    auto store = OpenStore("memory://");
    ASSERT_TRUE(store) << store.error().message();
    EXPECT_EQ((*store)->Backend(), "memory");
}

TEST(OpenStoreTest, AbsoluteSqliteUrlCreatesTheFileAndItsDirectories) {
    rt::testing::TempDir dir;
    const auto path = dir.path() / "a" / "b" / "reftrack.db";
    auto store = OpenStore("sqlite://" + path.string());
    ASSERT_TRUE(store) << store.error().message();
    EXPECT_EQ((*store)->Backend(), "sqlite");
    EXPECT_TRUE(std::filesystem::exists(path));
}

TEST(OpenStoreTest, RelativeSqliteUrlIsRelativeToTheCurrentDirectory) {
    rt::testing::TempDir dir;
    {
        ChangeDir here(dir.path());
        auto store = OpenStore("sqlite://./var/reftrack.db");
        ASSERT_TRUE(store) << store.error().message();
        auto other = OpenStore("sqlite://plain.db");
        ASSERT_TRUE(other) << other.error().message();
    }
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "var" / "reftrack.db"));
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "plain.db"));
}

TEST(OpenStoreTest, OpenDoesNotMigrate) {
    rt::testing::TempDir dir;
    auto store = OpenStore("sqlite://" + (dir.path() / "x.db").string());
    ASSERT_TRUE(store);
    auto version = (*store)->SchemaVersion();
    ASSERT_TRUE(version) << version.error().message();
    EXPECT_EQ(*version, 0);
}

TEST(OpenStoreTest, UnreachablePostgresqlIsUnavailableAndNeverShowsThePassword) {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    for (const char* url : {"postgresql://reftrack:s3cret@127.0.0.1:1/reftrack", "postgres://u:s3cret@127.0.0.1:1/x"}) {
        auto store = OpenStore(url);
        ASSERT_FALSE(store) << url;
        EXPECT_EQ(store.error().code(), core::ErrorCode::kUnavailable);
        EXPECT_TRUE(store.error().message().starts_with("cannot connect to the database at "))
            << store.error().message();
        EXPECT_NE(store.error().message().find("127.0.0.1:1"), std::string::npos) << store.error().message();
        EXPECT_EQ(store.error().message().find("s3cret"), std::string::npos) << store.error().message();
    }
}

TEST(OpenStoreTest, OtherUrlsAreInvalidAndNameTheDbSetting) {
    for (const char* url : {"", "sqlite://", "sqlite:/x.db", "/var/reftrack.db", "mysql://db/x", "memory://x"}) {
        auto store = OpenStore(url);
        ASSERT_FALSE(store) << url;
        EXPECT_EQ(store.error().code(), core::ErrorCode::kInvalid) << url;
        ASSERT_EQ(store.error().fields().size(), 1u) << url;
        EXPECT_EQ(store.error().fields()[0].field, "db");
    }
}

TEST(OpenStoreTest, UnopenableFilesAreUnavailableWithOneLineNamingThePath) {
    rt::testing::TempDir dir;
    const auto not_a_db = dir.path() / "garbage.db";
    std::ofstream(not_a_db) << std::string(8192, 'x');
    const auto file_as_dir = dir.path() / "garbage.db" / "inside.db";
    const auto directory = dir.path();
    for (const auto& path : {not_a_db, file_as_dir, directory}) {
        auto store = OpenStore("sqlite://" + path.string());
        ASSERT_FALSE(store) << path;
        EXPECT_EQ(store.error().code(), core::ErrorCode::kUnavailable) << store.error().message();
        EXPECT_NE(store.error().message().find(path.string()), std::string::npos) << store.error().message();
        EXPECT_EQ(store.error().message().find('\n'), std::string::npos);
    }
}

}  // namespace
}  // namespace rt::storage
