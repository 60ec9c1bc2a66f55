#include "http/receipt_content.hpp"

namespace kronos::expense::http {

namespace {

using namespace std::string_view_literals;

// Signatures from the PNG specification (section 5.2), JPEG (ITU T.81, SOI then a marker) and
// ISO 32000 (a PDF starts with its header line).
constexpr std::string_view kPngSignature = "\x89PNG\r\n\x1a\n"sv;
constexpr std::string_view kJpegSignature = "\xff\xd8\xff"sv;
constexpr std::string_view kPdfSignature = "%PDF-"sv;

}  // namespace

std::optional<std::string_view> sniff_receipt_type(std::string_view content) {
    if (content.starts_with(kPngSignature)) {
        return "image/png"sv;
    }
    if (content.starts_with(kJpegSignature)) {
        return "image/jpeg"sv;
    }
    if (content.starts_with(kPdfSignature)) {
        return "application/pdf"sv;
    }
    return std::nullopt;
}

bool is_receipt_type(std::string_view media_type) {
    return media_type == "image/png" || media_type == "image/jpeg" ||
           media_type == "application/pdf";
}

}  // namespace kronos::expense::http
