#pragma once

#include <string>
#include <tl/expected.hpp>
#include <utility>
#include <vector>

namespace rt::core {

// The closed set of expected failures. Each maps to exactly one HTTP status in src/http/problem.cpp.
enum class ErrorCode {
    kMalformed,        // the input could not be parsed (400)
    kUnauthenticated,  // no credentials or bad credentials (401)
    kForbidden,        // authenticated, but the key's scope does not allow the operation (403)
    kNotFound,         // unknown, or not visible to the caller (404)
    kConflict,         // violates a uniqueness or state rule (409)
    kInvalid,          // parsed, but values are not acceptable (422)
    kUnavailable,      // a dependency (database) is not reachable or busy (503)
    kInternal,         // a bug or an unexpected library failure (500)
};

// One rejected input field, named by its JSON path ("destination_domains[1]").
struct FieldError {
    std::string field;
    std::string message;

    bool operator==(const FieldError&) const = default;
};

// An error value: a code, a human-readable message safe to show to the caller, and for kInvalid the
// offending fields. Messages never contain secrets or internal details.
class Error {
  public:
    Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
    Error(ErrorCode code, std::string message, std::vector<FieldError> fields)
        : code_(code), message_(std::move(message)), fields_(std::move(fields)) {}

    static Error Malformed(std::string message) { return {ErrorCode::kMalformed, std::move(message)}; }
    static Error NotFound(std::string message) { return {ErrorCode::kNotFound, std::move(message)}; }
    static Error Conflict(std::string message) { return {ErrorCode::kConflict, std::move(message)}; }
    static Error Forbidden(std::string message) { return {ErrorCode::kForbidden, std::move(message)}; }
    static Error Unauthenticated(std::string message) { return {ErrorCode::kUnauthenticated, std::move(message)}; }
    static Error Unavailable(std::string message) { return {ErrorCode::kUnavailable, std::move(message)}; }
    static Error Internal(std::string message) { return {ErrorCode::kInternal, std::move(message)}; }
    // A single invalid field.
    static Error Invalid(std::string field, std::string message) {
        std::string detail = field + ": " + message;
        std::vector<FieldError> fields{{std::move(field), std::move(message)}};
        return {ErrorCode::kInvalid, std::move(detail), std::move(fields)};
    }
    // Several invalid fields at once; precondition: !fields.empty().
    static Error Invalid(std::vector<FieldError> fields) {
        std::string message = fields.size() == 1 ? fields.front().field + ": " + fields.front().message
                                                 : "the request has invalid fields";
        return {ErrorCode::kInvalid, std::move(message), std::move(fields)};
    }

    ErrorCode code() const { return code_; }
    const std::string& message() const { return message_; }
    const std::vector<FieldError>& fields() const { return fields_; }

  private:
    ErrorCode code_;
    std::string message_;
    std::vector<FieldError> fields_;
};

template <class T>
using Result = tl::expected<T, Error>;

// Shorthand for returning an error from a function that returns Result<T>.
inline tl::unexpected<Error> Fail(Error e) { return tl::unexpected<Error>(std::move(e)); }

// Collects field errors during validation, so a caller sees every problem of a request at once.
class FieldErrors {
  public:
    void Add(std::string field, std::string message) { fields_.push_back({std::move(field), std::move(message)}); }
    bool empty() const { return fields_.empty(); }
    // On success (no field added): an empty Result; otherwise kInvalid with every field.
    Result<void> ToResult() const {
        if (fields_.empty()) return {};
        return Fail(Error::Invalid(fields_));
    }

  private:
    std::vector<FieldError> fields_;
};

}  // namespace rt::core
