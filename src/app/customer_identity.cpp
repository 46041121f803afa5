#include "app/customer_identity.hpp"

#include "core/partner.hpp"
#include "core/text.hpp"

namespace rt::app {

namespace {

constexpr std::size_t kMaxExternalId = 200;

std::string NormalizeEmail(const std::string& email) { return core::ToLower(core::Trim(email)); }

}  // namespace

core::Result<void> CheckCustomerInput(const CustomerInput& input, const std::string& prefix) {
    core::FieldErrors errors;
    if (input.external_id) core::CheckText(errors, prefix + "external_id", *input.external_id, kMaxExternalId);
    if (input.email && !core::IsEmail(NormalizeEmail(*input.email))) {
        errors.Add(prefix + "email", "must be an email address such as ada@example.com");
    }
    if (input.name) core::CheckText(errors, prefix + "name", *input.name, 200);
    return errors.ToResult();
}

core::Result<std::optional<core::Customer>> FindCustomer(ports::Vault& vault, ports::StoreTx& tx,
                                                         const core::ProgramId& program_id,
                                                         const CustomerInput& input) {
    if (input.external_id) {
        auto found = tx.FindCustomerByExternalId(program_id, core::Trim(*input.external_id));
        if (!found || *found) return found;
    }
    if (input.email)
        return tx.FindCustomerByEmailHash(program_id, vault.KeyedHash("email", NormalizeEmail(*input.email)));
    return std::optional<core::Customer>();
}

core::Result<core::Customer> FindOrCreateCustomer(const Deps& deps, ports::Vault& vault, ports::StoreTx& tx,
                                                  const core::ProgramId& program_id, const CustomerInput& input) {
    auto found = FindCustomer(vault, tx, program_id, input);
    if (!found) return core::Fail(found.error());
    const std::string email = input.email ? NormalizeEmail(*input.email) : "";
    if (*found) {
        core::Customer customer = **found;
        bool changed = false;
        // Completed only with identifiers no other customer holds: conflicting identifiers must never
        // lose the sale or referral they come with.
        if (customer.email_hash.empty() && !email.empty()) {
            const std::string hash = vault.KeyedHash("email", email);
            auto other = tx.FindCustomerByEmailHash(program_id, hash);
            if (!other) return core::Fail(other.error());
            if (!*other) {
                customer.email_hash = hash;
                customer.email_sealed = vault.Encrypt(email);
                changed = true;
            }
        }
        if (customer.external_id.empty() && input.external_id) {
            auto other = tx.FindCustomerByExternalId(program_id, core::Trim(*input.external_id));
            if (!other) return core::Fail(other.error());
            if (!*other) {
                customer.external_id = core::Trim(*input.external_id);
                changed = true;
            }
        }
        if (changed) {
            if (auto ok = tx.UpdateCustomer(customer); !ok) return core::Fail(ok.error());
        }
        return customer;
    }
    core::Customer customer;
    customer.created_at = deps.clock.Now();
    customer.id = core::CustomerId::Generate(customer.created_at, deps.random);
    customer.program_id = program_id;
    if (input.external_id) customer.external_id = core::Trim(*input.external_id);
    if (!email.empty()) {
        customer.email_hash = vault.KeyedHash("email", email);
        customer.email_sealed = vault.Encrypt(email);
    }
    if (input.name) customer.name_sealed = vault.Encrypt(core::Trim(*input.name));
    if (auto ok = tx.InsertCustomer(customer); !ok) return core::Fail(ok.error());
    return customer;
}

std::string MaskEmail(const std::string& email) {
    const auto at = email.find('@');
    if (at == std::string::npos || at == 0) return "***";
    return email.substr(0, 1) + "***" + email.substr(at);
}

}  // namespace rt::app
