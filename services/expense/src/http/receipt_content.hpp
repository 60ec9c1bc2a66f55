#pragma once

#include <optional>
#include <string_view>

namespace kronos::expense::http {

// The media type that the leading bytes of a receipt show: image/png (the 8-byte PNG
// signature), image/jpeg (an SOI marker followed by another marker, FF D8 FF) or
// application/pdf (`%PDF-`). Returns nullopt for anything else.
std::optional<std::string_view> sniff_receipt_type(std::string_view content);

// Whether `media_type` is one of the three receipt types.
bool is_receipt_type(std::string_view media_type);

}  // namespace kronos::expense::http
