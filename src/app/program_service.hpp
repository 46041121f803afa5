#pragma once

#include <functional>
#include <string_view>

#include "app/deps.hpp"
#include "app/principal.hpp"
#include "core/page.hpp"
#include "core/program.hpp"

namespace rt::app {

// Programs: admins manage them; a partner key sees only its own program; ingest keys none.
// Every method blocks on the store (call from a worker thread) and is safe from several threads.
class ProgramService {
  public:
    explicit ProgramService(Deps deps) : deps_(deps) {}

    core::Result<core::Program> Create(const Principal& who, const core::ProgramFields& fields);
    // kNotFound for an unknown id, a malformed one, or one the principal may not see.
    core::Result<core::Program> Get(const Principal& who, std::string_view id);
    core::Result<core::Program> Patch(const Principal& who, std::string_view id, const core::ProgramFields& patch);
    core::Result<core::Page<core::Program>> List(const Principal& who, const core::PageRequest& page);

    // Called with the program's new state after each committed Create or Patch, on the caller's thread
    // (the redirect's LinkDirectory listens). Set before serving; must be quick and must not throw.
    using ChangeListener = std::function<void(const core::Program&)>;
    void SetChangeListener(ChangeListener listener) { listener_ = std::move(listener); }

  private:
    const core::Result<core::Program>& Notify(const core::Result<core::Program>& program) const {
        if (program && listener_) listener_(*program);
        return program;
    }

    Deps deps_;
    ChangeListener listener_;
};

// The ledger payload of a program's state: its rules, not its name.
std::vector<std::pair<std::string, std::string>> EventFields(const core::Program& program);

}  // namespace rt::app
