#pragma once

#include <string_view>

// The click table's rules, shared by every backend so that they fail alike.
namespace rt::storage {

inline constexpr std::string_view kClickIdTaken = "a click with this id already exists";
inline constexpr std::string_view kClickNotFound = "no such click";

}  // namespace rt::storage
