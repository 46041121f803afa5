#pragma once

#include <cstdint>

namespace rt::core {

// Wide enough for int64 × int64, and for int64 × basis points × ppm.
using Wide = __int128;

// num / den rounded to the nearest integer, halves to even. Precondition: den > 0 and the quotient fits
// in an int64.
inline std::int64_t DivideHalfEven(Wide num, Wide den) {
    Wide quotient = num / den;
    const Wide remainder = num % den;  // truncating division: the remainder has the sign of num
    const Wide twice = 2 * (remainder < 0 ? -remainder : remainder);
    if (twice > den || (twice == den && quotient % 2 != 0)) quotient += num < 0 ? -1 : 1;
    return static_cast<std::int64_t>(quotient);
}

}  // namespace rt::core
