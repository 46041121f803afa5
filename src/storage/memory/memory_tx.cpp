#include "storage/memory/memory_tx.hpp"

#include "storage/memory/memory_query.hpp"
#include "storage/store_rules.hpp"

namespace rt::storage {

Result<MemoryStore::Tables*> MemoryTx::Writable() {
    if (write_ == nullptr) return core::Fail(core::Error::Internal(std::string(kReadOnlyTransaction)));
    return write_;
}

Result<void> MemoryTx::Savepoint(const std::function<Result<void>(ports::StoreTx&)>& body) {
    if (write_ == nullptr) return body(*this);
    MemoryStore::Tables before = *write_;
    auto pending_seqs_before = pending_seqs_;
    auto done = body(*this);
    if (!done) {
        *write_ = std::move(before);
        pending_seqs_ = std::move(pending_seqs_before);
    }
    return done;
}

Result<void> MemoryTx::InsertProgram(const core::Program& program) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    if ((*tables)->programs.contains(program.id)) return core::Fail(Conflict(kProgramIdTaken));
    (*tables)->programs.emplace(program.id, program);
    return {};
}

Result<core::Program> MemoryTx::GetProgram(const core::ProgramId& id) {
    return Find(read_.programs, id, kProgramNotFound);
}

Result<void> MemoryTx::UpdateProgram(const core::Program& program) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    auto it = (*tables)->programs.find(program.id);
    if (it == (*tables)->programs.end()) return core::Fail(NotFound(kProgramNotFound));
    const auto created_at = it->second.created_at;
    it->second = program;
    it->second.created_at = created_at;
    return {};
}

Result<core::Page<core::Program>> MemoryTx::ListPrograms(const core::PageRequest& page) {
    return ListNewestFirst(read_.programs, page, [](const core::Program&) { return true; });
}

Result<void> MemoryTx::InsertPartner(const core::Partner& partner) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    auto& t = **tables;
    if (t.partners.contains(partner.id)) return core::Fail(Conflict(kPartnerIdTaken));
    if (t.partner_emails.contains({partner.program_id.str(), partner.email})) {
        return core::Fail(Conflict(kPartnerEmailTaken));
    }
    if (!t.programs.contains(partner.program_id)) return core::Fail(NotFound(kPartnerProgramMissing));
    t.partners.emplace(partner.id, partner);
    t.partner_emails.emplace(partner.program_id.str(), partner.email);
    return {};
}

Result<core::Partner> MemoryTx::GetPartner(const core::PartnerId& id) {
    return Find(read_.partners, id, kPartnerNotFound);
}

Result<void> MemoryTx::UpdatePartner(const core::Partner& partner) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    auto& t = **tables;
    auto it = t.partners.find(partner.id);
    if (it == t.partners.end()) return core::Fail(NotFound(kPartnerNotFound));
    core::Partner& stored = it->second;
    const std::string program = stored.program_id.str();
    if (partner.email != stored.email) {
        if (t.partner_emails.contains({program, partner.email})) return core::Fail(Conflict(kPartnerEmailTaken));
        t.partner_emails.erase({program, stored.email});
        t.partner_emails.emplace(program, partner.email);
    }
    stored.name = partner.name;
    stored.email = partner.email;
    stored.status = partner.status;
    stored.group = partner.group;
    stored.updated_at = partner.updated_at;
    return {};
}

Result<core::Page<core::Partner>> MemoryTx::ListPartners(const ports::PartnerFilter& filter,
                                                         const core::PageRequest& page) {
    return ListNewestFirst(read_.partners, page, [&](const core::Partner& p) {
        return (!filter.program_id || p.program_id == *filter.program_id) &&
               (!filter.partner_id || p.id == *filter.partner_id);
    });
}

Result<void> MemoryTx::InsertLink(const core::Link& link) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    auto& t = **tables;
    if (t.links.contains(link.id)) return core::Fail(Conflict(kLinkIdTaken));
    if (t.link_codes.contains(link.code)) return core::Fail(Conflict(kLinkCodeTaken));
    auto partner = t.partners.find(link.partner_id);
    if (partner == t.partners.end() || partner->second.program_id != link.program_id) {
        return core::Fail(NotFound(kLinkPartnerMissing));
    }
    t.links.emplace(link.id, link);
    t.link_codes.emplace(link.code, link.id);
    return {};
}

Result<core::Link> MemoryTx::GetLink(const core::LinkId& id) { return Find(read_.links, id, kLinkNotFound); }

Result<core::Link> MemoryTx::GetLinkByCode(std::string_view code) {
    auto it = read_.link_codes.find(code);
    if (it == read_.link_codes.end()) return core::Fail(NotFound(kLinkNotFound));
    return Find(read_.links, it->second, kLinkNotFound);
}

Result<void> MemoryTx::UpdateLink(const core::Link& link) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    auto& t = **tables;
    auto it = t.links.find(link.id);
    if (it == t.links.end()) return core::Fail(NotFound(kLinkNotFound));
    core::Link& stored = it->second;
    if (link.code != stored.code) {
        if (t.link_codes.contains(link.code)) return core::Fail(Conflict(kLinkCodeTaken));
        t.link_codes.erase(stored.code);
        t.link_codes.emplace(link.code, link.id);
    }
    stored.code = link.code;
    stored.destination = link.destination;
    stored.campaign = link.campaign;
    stored.channel = link.channel;
    stored.status = link.status;
    stored.updated_at = link.updated_at;
    return {};
}

Result<core::Page<core::Link>> MemoryTx::ListLinks(const ports::LinkFilter& filter, const core::PageRequest& page) {
    return ListNewestFirst(read_.links, page, [&](const core::Link& l) {
        return (!filter.program_id || l.program_id == *filter.program_id) &&
               (!filter.partner_id || l.partner_id == *filter.partner_id);
    });
}

Result<void> MemoryTx::InsertApiKey(const core::ApiKeyRecord& key) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    if ((*tables)->api_keys.contains(key.id)) return core::Fail(Conflict(kApiKeyIdTaken));
    (*tables)->api_keys.emplace(key.id, key);
    return {};
}

Result<core::ApiKeyRecord> MemoryTx::GetApiKey(const core::ApiKeyId& id) {
    return Find(read_.api_keys, id, kApiKeyNotFound);
}

Result<int> MemoryTx::DeleteApiKeysByName(std::string_view name) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    const auto erased =
        std::erase_if((*tables)->api_keys, [&](const auto& entry) { return entry.second.name == name; });
    return static_cast<int>(erased);
}

Result<int> MemoryTx::CountPrograms() { return static_cast<int>(read_.programs.size()); }

}  // namespace rt::storage
