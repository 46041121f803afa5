#include "server/users_command.hpp"

#include <iterator>
#include <optional>

#include "core/user.hpp"
#include "server/logging.hpp"
#include "server/services.hpp"

namespace rt::server {

namespace {

// The flag a user field comes from, for messages.
std::string FlagOf(const std::string& field) {
    if (field == "partner_id") return "--partner";
    if (field == "password") return "the password";
    return "--" + field;
}

// "reftrack: --email: must be an email address …", one line naming every bad field.
int PrintFieldErrors(const core::Error& error, int exit_code) {
    std::cerr << "reftrack: ";
    if (error.fields().empty()) {
        std::cerr << error.message();
    } else {
        for (std::size_t i = 0; i < error.fields().size(); ++i) {
            const auto& f = error.fields()[i];
            std::cerr << (i == 0 ? "" : "; ") << FlagOf(f.field) << ": " << f.message;
        }
    }
    std::cerr << "\n";
    return exit_code;
}

// All of `in`, less one trailing newline ("\n" or "\r\n").
std::string ReadPassword(std::istream& in) {
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (text.ends_with('\n')) text.pop_back();
    if (text.ends_with('\r')) text.pop_back();
    return text;
}

std::string PublicUrl(const Config& config) {
    if (!config.public_url.empty()) return config.public_url;
    return "http://" + config.listen_host + ":" + std::to_string(config.listen_port);
}

}  // namespace

int RunUsersCreate(const ConfigSources& sources, const UserCreateOptions& options, std::istream& in) {
    core::UserFields fields{.email = options.email, .role = options.role};
    if (!options.partner.empty()) fields.partner_id = options.partner;
    // The arguments' form first, so that a typo costs neither the database nor the password prompt.
    if (auto valid = core::NewUser(fields, core::UserId(), {}); !valid) return PrintFieldErrors(valid.error(), 2);

    std::optional<std::string> password;
    if (options.password_stdin) {
        password = ReadPassword(in);
        if (auto ok = core::CheckPassword(*password); !ok) return PrintFieldErrors(ok.error(), 2);
    }
    auto config = LoadConfig(sources);
    if (!config) {
        std::cerr << "reftrack: " << config.error().message() << "\n";
        return 1;
    }
    SetUpLogging(config->log_level);
    auto services = Services::Open(*config);
    if (!services) return PrintFieldErrors(services.error(), 1);

    const app::Principal cli{core::Scope::Admin(), {}};  // whoever may run the binary on the database is an admin
    auto created = (*services)->users().Create(cli, fields, password);
    if (!created) return PrintFieldErrors(created.error(), 1);
    const core::User& user = created->user;
    if (password) {
        std::cout << user.id.str() << "\n";
        return 0;
    }
    std::cout << "created user " << user.id.str() << " (" << core::ToString(user.role) << ", " << user.email
              << "); send this one-time link to set the password (valid 7 days):\n"
              << PublicUrl(*config) << "/invite/" << created->invite_token << "\n";
    return 0;
}

}  // namespace rt::server
