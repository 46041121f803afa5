#include "core/money.hpp"

#include <algorithm>
#include <array>

namespace rt::core {

namespace {

// Active ISO 4217 codes (list of 2024), sorted for binary search. Fund and precious-metal codes are left
// out: nobody pays a partner in XAU.
constexpr std::array<std::string_view, 155> kCodes{
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
    "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY", "COP", "CRC",
    "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS",
    "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD",
    "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL",
    "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD",
    "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD",
    "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP",
    "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VES",
    "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG"};

constexpr std::array<std::string_view, 16> kZeroDigit{"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW",
                                                      "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"};
constexpr std::array<std::string_view, 7> kThreeDigit{"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"};

bool Contains(const auto& list, std::string_view code) {
    return std::find(list.begin(), list.end(), code) != list.end();
}

}  // namespace

std::optional<Currency> Currency::Parse(std::string_view code) {
    if (!std::binary_search(kCodes.begin(), kCodes.end(), code)) return std::nullopt;
    return Currency(std::string(code));
}

int Currency::minor_digits() const {
    if (Contains(kZeroDigit, code_)) return 0;
    if (Contains(kThreeDigit, code_)) return 3;
    return 2;
}

}  // namespace rt::core
