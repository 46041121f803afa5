#pragma once

#include <optional>
#include <string>

#include "app/deps.hpp"
#include "core/customer.hpp"
#include "ports/vault.hpp"

namespace rt::app {

// Who a referral or conversion is about, as the caller named them.
struct CustomerInput {
    std::optional<std::string> external_id;
    std::optional<std::string> email;
    std::optional<std::string> name;

    bool empty() const { return !external_id && !email; }
};

// Checks the input: external_id 1..200 printable characters, email syntax, name text. `prefix` names
// the JSON object ("customer.").
core::Result<void> CheckCustomerInput(const CustomerInput& input, const std::string& prefix);

// The program's customer matching the input by external_id, else by email hash; created when there is
// none, and completed with what the input adds (an email it lacked). Inside the caller's write
// transaction. Precondition: CheckCustomerInput passed and !input.empty().
core::Result<core::Customer> FindOrCreateCustomer(const Deps& deps, ports::Vault& vault, ports::StoreTx& tx,
                                                  const core::ProgramId& program_id, const CustomerInput& input);

// The customer found by the input without creating one; nullopt when unknown.
core::Result<std::optional<core::Customer>> FindCustomer(ports::Vault& vault, ports::StoreTx& tx,
                                                         const core::ProgramId& program_id, const CustomerInput& input);

// "a***@example.com": what a partner may see of a customer's email.
std::string MaskEmail(const std::string& email);

}  // namespace rt::app
