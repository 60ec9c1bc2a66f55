#include "http/receipt_content.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace kronos::expense::http {
namespace {

using namespace std::string_literals;

TEST(ReceiptContent, SniffsPng) {
    EXPECT_EQ(sniff_receipt_type("\x89PNG\r\n\x1a\n\0\0\0\rIHDR"s), "image/png");
}

TEST(ReceiptContent, SniffsJpeg) {
    EXPECT_EQ(sniff_receipt_type("\xff\xd8\xff\xe0\0\x10JFIF"s), "image/jpeg");
}

TEST(ReceiptContent, SniffsPdf) {
    EXPECT_EQ(sniff_receipt_type("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"s), "application/pdf");
}

TEST(ReceiptContent, RejectsOtherContent) {
    const std::string cases[] = {
        ""s,
        "hello, this is text"s,
        "\x89PNG\r\n"s,        // truncated signature
        "\x89PNG\n\r\x1a\n"s,  // line endings swapped, as a text-mode transfer does
        "\xff\xd8"s,           // SOI without a following marker
        "%PDF"s,               // header without the dash
        " %PDF-1.4"s,          // leading space
        "GIF89a"s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"s,
        "PK\x03\x04"s,
    };
    for (const auto& content : cases) {
        EXPECT_FALSE(sniff_receipt_type(content).has_value()) << "content: " << content;
    }
}

TEST(ReceiptContent, SniffsExampleFiles) {
    const auto read = [](const std::string& path) {
        std::ifstream file(path, std::ios::binary);
        std::ostringstream content;
        content << file.rdbuf();
        return content.str();
    };
    const std::string examples = KRONOS_EXAMPLES_DIR;
    EXPECT_EQ(sniff_receipt_type(read(examples + "/expense-receipt.png")), "image/png");
    EXPECT_EQ(sniff_receipt_type(read(examples + "/expense-receipt.pdf")), "application/pdf");
}

TEST(ReceiptContent, AcceptsOnlyThreeTypes) {
    EXPECT_TRUE(is_receipt_type("image/png"));
    EXPECT_TRUE(is_receipt_type("image/jpeg"));
    EXPECT_TRUE(is_receipt_type("application/pdf"));
    EXPECT_FALSE(is_receipt_type("image/gif"));
    EXPECT_FALSE(is_receipt_type("image/jpg"));
    EXPECT_FALSE(is_receipt_type("application/octet-stream"));
    EXPECT_FALSE(is_receipt_type(""));
}

}  // namespace
}  // namespace kronos::expense::http
