#pragma once

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

  private:
    Deps deps_;
};

}  // namespace rt::app
