#include "domain/csv.hpp"

namespace kronos::auth {

namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

class CsvReader {
  public:
    explicit CsvReader(std::string_view text) : text_(text) {
        if (text_.substr(0, kByteOrderMark.size()) == kByteOrderMark) {
            text_.remove_prefix(kByteOrderMark.size());
        }
    }

    std::vector<CsvRecord> read_all() {
        std::vector<CsvRecord> records;
        while (pos_ < text_.size()) {
            CsvRecord record = read_record();
            const bool blank = record.fields.size() == 1 && record.fields[0].empty() &&
                               !record.error && !last_field_quoted_;
            if (!blank) {
                records.push_back(std::move(record));
            }
        }
        return records;
    }

  private:
    bool at_end() const { return pos_ >= text_.size(); }

    // Consumes a line break (CRLF, LF or a lone CR) at the current position, if any.
    bool consume_line_break() {
        if (at_end()) {
            return false;
        }
        if (text_[pos_] == '\r') {
            ++pos_;
            if (!at_end() && text_[pos_] == '\n') {
                ++pos_;
            }
            ++line_;
            return true;
        }
        if (text_[pos_] == '\n') {
            ++pos_;
            ++line_;
            return true;
        }
        return false;
    }

    void skip_rest_of_line() {
        while (!at_end() && !consume_line_break()) {
            ++pos_;
        }
    }

    CsvRecord read_record() {
        CsvRecord record;
        record.line = line_;
        while (true) {
            std::string field;
            last_field_quoted_ = !at_end() && text_[pos_] == '"';
            if (last_field_quoted_) {
                if (!read_quoted_field(field, record)) {
                    return record;
                }
            } else {
                read_plain_field(field);
            }
            record.fields.push_back(std::move(field));

            if (at_end() || consume_line_break()) {
                return record;
            }
            if (text_[pos_] == ',') {
                ++pos_;
                continue;
            }
            // Only reachable after a closing quote followed by other text.
            record.error = "unexpected text after a closing quote on line " +
                           std::to_string(line_) + "; quote the whole field";
            skip_rest_of_line();
            return record;
        }
    }

    void read_plain_field(std::string& field) {
        while (!at_end()) {
            const char c = text_[pos_];
            if (c == ',' || c == '\r' || c == '\n') {
                return;
            }
            field.push_back(c);
            ++pos_;
        }
    }

    // Reads a quoted field; returns false (with the record's error set) when the input ends
    // before the closing quote.
    bool read_quoted_field(std::string& field, CsvRecord& record) {
        const std::size_t start_line = line_;
        ++pos_;  // opening quote
        while (!at_end()) {
            const char c = text_[pos_];
            if (c == '"') {
                if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
                    field.push_back('"');
                    pos_ += 2;
                    continue;
                }
                ++pos_;  // closing quote
                return true;
            }
            if (c == '\r' || c == '\n') {
                // Keep the line break as written and count the physical line.
                const std::size_t before = pos_;
                consume_line_break();
                field.append(text_.substr(before, pos_ - before));
                continue;
            }
            field.push_back(c);
            ++pos_;
        }
        record.error =
            "the quoted field opened on line " + std::to_string(start_line) + " is never closed";
        return false;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
    bool last_field_quoted_ = false;
};

}  // namespace

std::vector<CsvRecord> parse_csv(std::string_view text) {
    return CsvReader(text).read_all();
}

}  // namespace kronos::auth
