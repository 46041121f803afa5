#include "storage/sql/sql_tx.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/sql/query.hpp"
#include "storage/sql/rows.hpp"
#include "storage/store_rules.hpp"

namespace rt::storage::sql {

namespace {

using core::ErrorCode;

constexpr ConstraintError kProgramConstraints[] = {
    {"programs.id", ErrorCode::kConflict, kProgramIdTaken},
};
constexpr ConstraintError kPartnerConstraints[] = {
    {"partners.id", ErrorCode::kConflict, kPartnerIdTaken},
    {"partners.program_id, partners.id", ErrorCode::kConflict, kPartnerIdTaken},
    {"partners.program_id, partners.email", ErrorCode::kConflict, kPartnerEmailTaken},
    {kForeignKey, ErrorCode::kNotFound, kPartnerProgramMissing},
};
constexpr ConstraintError kLinkConstraints[] = {
    {"links.id", ErrorCode::kConflict, kLinkIdTaken},
    {"links.code", ErrorCode::kConflict, kLinkCodeTaken},
    {kForeignKey, ErrorCode::kNotFound, kLinkPartnerMissing},
};
constexpr ConstraintError kApiKeyConstraints[] = {
    {"api_keys.id", ErrorCode::kConflict, kApiKeyIdTaken},
};

}  // namespace

Result<void> SqlTx::Savepoint(const std::function<Result<void>(ports::StoreTx&)>& body) {
    if (broken_) return core::Fail(*broken_);
    if (!writable_) return body(*this);
    auto exec = [&](std::string_view sql) -> Result<void> {
        auto statement = conn_.Prepare(sql);
        if (!statement) return core::Fail(statement.error());
        return statement->Run();
    };
    // The rows gathered before are written outside the savepoint, so that all it gathers or writes is the body's.
    if (auto flushed = Flush(); !flushed) return flushed;
    if (auto ok = exec("SAVEPOINT rt_request"); !ok) return ok;
    const bool half_written_before = half_written_.has_value();
    auto done = body(*this);
    if (!done) {
        ForgetUndoable();
        gathered_pending_.clear();
        if (auto undone = exec("ROLLBACK TO rt_request"); !undone) {
            broken_ = undone.error();
            return undone;
        }
        if (!half_written_before) half_written_.reset();  // what the body left half written is undone
    }
    if (auto released = exec("RELEASE rt_request"); !released) {
        broken_ = released.error();
        return released;
    }
    return done;
}

Result<void> SqlTx::RunUnguarded(const std::function<Result<void>(ports::StoreTx&)>& body, bool& spoiled) {
    spoiled = false;
    if (broken_) return core::Fail(*broken_);
    if (!writable_) return body(*this);
    const auto before = conn_.Traces();
    const bool half_written_before = half_written_.has_value();
    const std::size_t gathered_before = gathered_pending_.size();
    const std::uint64_t flushes_before = pending_flushes_;
    auto done = body(*this);
    // A failed body's gathered rows go with it (had it flushed them, Traces moved: spoiled below).
    if (!done && pending_flushes_ == flushes_before) gathered_pending_.resize(gathered_before);
    // Lost or aborted underneath, or a write left half done, by a body that went on after the error: only a
    // savepoint per body (or none of the batch) can be committed.
    const bool gone = !conn_.InTransaction() || conn_.Aborted() || (!half_written_before && half_written_);
    if (gone || (!done && conn_.Traces() != before)) {
        spoiled = true;
        // Never committed, even by a caller that goes on: RunTransaction rolls back a broken transaction.
        broken_ = core::Error::Internal("a request failed after writing; its transaction must start over");
        ForgetUndoable();
    }
    return done;
}

void SqlTx::ForgetUndoable() {
    last_events_.clear();
    owned_.clear();  // rolling back to a savepoint releases the locks taken after it
    programs_.clear();
}

tl::unexpected<core::Error> SqlTx::HalfWritten(core::Error error) {
    if (!half_written_) half_written_ = error;
    return core::Fail(std::move(error));
}

Result<void> SqlTx::InsertProgram(const core::Program& program) {
    programs_.erase(program.id);
    auto written = Write(
        Concat({"INSERT INTO programs (", kProgramColumns, ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"}),
        [&](Statement& s) { BindProgram(s, program); }, kProgramConstraints);
    if (!written) return written;
    return conn_.Announce("program", program.id.str());
}

Result<void> SqlTx::Own(const core::ProgramId& program_id) {
    if (!writable_ || owned_.contains(program_id)) return {};
    if (auto locked = conn_.LockProgram(program_id.str()); !locked) return locked;
    owned_.insert(program_id);
    return {};
}

Result<core::Program> SqlTx::GetProgram(const core::ProgramId& id) {
    if (auto owned = Own(id); !owned) return core::Fail(owned.error());
    if (auto it = programs_.find(id); it != programs_.end()) return it->second;
    auto program = GetOne(conn_, Concat({"SELECT ", kProgramColumns, " FROM programs WHERE id = ?1"}), id.str(),
                          &ReadProgram, kProgramNotFound);
    if (program) programs_.insert_or_assign(id, *program);
    return program;
}

Result<void> SqlTx::UpdateProgram(const core::Program& program) {
    programs_.erase(program.id);
    auto written = Write(
        "UPDATE programs SET name = ?2, currency = ?3, destination_domains = ?4, attribution_model = ?5, "
        "attribution_window_days = ?6, stages = ?7, updated_at = ?9, sticky_customers = ?10, commission = ?11 "
        "WHERE id = ?1",
        [&](Statement& s) { BindProgram(s, program); }, kProgramConstraints, kProgramNotFound);
    if (!written) return written;
    return conn_.Announce("program", program.id.str());
}

Result<core::Page<core::Program>> SqlTx::ListPrograms(const core::PageRequest& page) {
    return ListPage(conn_, kProgramColumns, "programs", {}, page, &ReadProgram);
}

Result<void> SqlTx::InsertPartner(const core::Partner& partner) {
    return Write(
        Concat({"INSERT INTO partners (", kPartnerColumns, ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"}),
        [&](Statement& s) { BindPartner(s, partner); }, kPartnerConstraints);
}

Result<core::Partner> SqlTx::GetPartner(const core::PartnerId& id) {
    return GetOne(conn_, Concat({"SELECT ", kPartnerColumns, " FROM partners WHERE id = ?1"}), id.str(), &ReadPartner,
                  kPartnerNotFound);
}

Result<void> SqlTx::UpdatePartner(const core::Partner& partner) {
    return Write(
        "UPDATE partners SET name = ?3, email = ?4, status = ?5, partner_group = ?6, updated_at = ?8 WHERE id = ?1",
        [&](Statement& s) { BindPartner(s, partner); }, kPartnerConstraints, kPartnerNotFound);
}

Result<core::Page<core::Partner>> SqlTx::ListPartners(const ports::PartnerFilter& filter,
                                                      const core::PageRequest& page) {
    auto equals = Equals(std::pair{"program_id", filter.program_id}, std::pair{"id", filter.partner_id});
    return ListPage(conn_, kPartnerColumns, "partners", equals, page, &ReadPartner);
}

Result<void> SqlTx::InsertLink(const core::Link& link) {
    auto written = Write(
        Concat({"INSERT INTO links (", kLinkColumns, ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"}),
        [&](Statement& s) { BindLink(s, link); }, kLinkConstraints);
    if (!written) return written;
    return conn_.Announce("link", link.id.str());
}

Result<core::Link> SqlTx::GetLink(const core::LinkId& id) {
    return GetOne(conn_, Concat({"SELECT ", kLinkColumns, " FROM links WHERE id = ?1"}), id.str(), &ReadLink,
                  kLinkNotFound);
}

Result<core::Link> SqlTx::GetLinkByCode(std::string_view code) {
    return GetOne(conn_, Concat({"SELECT ", kLinkColumns, " FROM links WHERE code = ?1"}), code, &ReadLink,
                  kLinkNotFound);
}

Result<void> SqlTx::UpdateLink(const core::Link& link) {
    auto written = Write(
        "UPDATE links SET code = ?4, destination = ?5, campaign = ?6, channel = ?7, status = ?8, updated_at = ?10 "
        "WHERE id = ?1",
        [&](Statement& s) { BindLink(s, link); }, kLinkConstraints, kLinkNotFound);
    if (!written) return written;
    return conn_.Announce("link", link.id.str());
}

Result<core::Page<core::Link>> SqlTx::ListLinks(const ports::LinkFilter& filter, const core::PageRequest& page) {
    auto equals = Equals(std::pair{"program_id", filter.program_id}, std::pair{"partner_id", filter.partner_id});
    return ListPage(conn_, kLinkColumns, "links", equals, page, &ReadLink);
}

Result<void> SqlTx::InsertApiKey(const core::ApiKeyRecord& key) {
    return Write(
        Concat({"INSERT INTO api_keys (", kApiKeyColumns, ") VALUES (?1, ?2, ?3, ?4, ?5)"}),
        [&](Statement& s) { BindApiKey(s, key); }, kApiKeyConstraints);
}

Result<core::ApiKeyRecord> SqlTx::GetApiKey(const core::ApiKeyId& id) {
    return GetOne(conn_, Concat({"SELECT ", kApiKeyColumns, " FROM api_keys WHERE id = ?1"}), id.str(), &ReadApiKey,
                  kApiKeyNotFound);
}

Result<int> SqlTx::DeleteApiKeysByName(std::string_view name) {
    auto done = Write("DELETE FROM api_keys WHERE name = ?1", [&](Statement& s) { s.Bind(1, name); }, {});
    if (!done) return core::Fail(done.error());
    return conn_.Changes();
}

Result<int> SqlTx::CountPrograms() {
    auto statement = conn_.Prepare("SELECT count(*) FROM programs");
    if (!statement) return core::Fail(statement.error());
    auto row = statement->Step();
    if (!row) return core::Fail(row.error());
    return *row ? static_cast<int>(statement->Int(0)) : 0;
}

}  // namespace rt::storage::sql
