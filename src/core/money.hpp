#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rt::core {

// An ISO 4217 currency code from the active list ("EUR"). Construct through Parse.
class Currency {
  public:
    Currency() = default;
    // Upper-case three-letter active ISO 4217 code; nullopt for anything else ("eur" is refused).
    static std::optional<Currency> Parse(std::string_view code);
    static Currency FromTrusted(std::string code) { return Currency(std::move(code)); }

    const std::string& code() const { return code_; }
    // Digits after the decimal point (EUR 2, JPY 0, KWD 3): how minor units relate to the major unit.
    int minor_digits() const;
    bool operator==(const Currency&) const = default;

  private:
    explicit Currency(std::string code) : code_(std::move(code)) {}
    std::string code_;
};

// An amount in integer minor units of a currency (cents for EUR). Never a floating-point number.
struct Money {
    std::int64_t amount = 0;
    Currency currency;

    bool operator==(const Money&) const = default;
};

}  // namespace rt::core
