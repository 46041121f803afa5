#pragma once

#include <span>
#include <string>

#include "core/click.hpp"
#include "core/event.hpp"

namespace rt::core {

// The SHA-256 Merkle root (hex) of `leaves`: each leaf hashed with a 0x00 prefix, each inner node with
// 0x01 (no second-preimage confusion between levels), an odd node carried up unchanged. The root of no
// leaves is the hash of the empty string. Lets a click batch be one ledger event, yet any edited,
// removed or added click of the batch changes the root.
std::string MerkleRoot(std::span<const std::string> leaves, Digest& digest);

// A click's canonical, length-prefixed form: the Merkle leaf for the ledger.
std::string CanonicalForm(const Click& click);

}  // namespace rt::core
