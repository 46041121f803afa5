#pragma once

#include <iostream>
#include <string>

#include "server/config.hpp"

namespace rt::server {

struct UserCreateOptions {
    std::string email;
    std::string role;     // admin | partner
    std::string partner;  // the partner id, for role partner
    bool password_stdin = false;
};

// `reftrack users create`: creates a user in the configured database (migrating it first). With
// `password_stdin`, reads the password from `in` (one trailing newline stripped) and prints the user id;
// otherwise prints, alone on the last line of stdout, the one-time link `<public_url>/invite/<token>` through
// which the person sets a password (valid 7 days; public_url from the configuration, else
// http://<listen>). Returns the exit code: 0; 2 for bad arguments (email, role, partner id, a weak password);
// 1 for what the database refuses (an unknown partner, a taken email) or a database that cannot be opened.
// Errors are one line on stderr. The password and the link's token are never logged.
int RunUsersCreate(const ConfigSources& sources, const UserCreateOptions& options, std::istream& in = std::cin);

}  // namespace rt::server
