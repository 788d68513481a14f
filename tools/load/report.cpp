#include "report.hpp"

#include <cmath>

namespace tickwire::load {

void Report::add(std::string key, double value, int decimals, std::string unit) {
    entries_.push_back({std::move(key), value, decimals, std::move(unit), {}, false});
}

void Report::add_text(std::string key, std::string value) {
    entries_.push_back({std::move(key), 0, 0, {}, std::move(value), true});
}

void Report::print_table(std::FILE* out) const {
    for (const Entry& e : entries_) {
        if (e.is_text) {
            std::fprintf(out, "  %-28s %s\n", e.key.c_str(), e.text.c_str());
        } else {
            std::fprintf(out, "  %-28s %.*f %s\n", e.key.c_str(), e.decimals, e.value, e.unit.c_str());
        }
    }
}

void Report::print_json(std::FILE* out) const {
    std::fputc('{', out);
    bool first = true;
    for (const Entry& e : entries_) {
        std::fprintf(out, "%s\"%s\":", first ? "" : ",", e.key.c_str());
        first = false;
        if (e.is_text) {
            std::fputc('"', out);
            for (const char c : e.text) {
                if (c == '"' || c == '\\') std::fputc('\\', out);
                if (static_cast<unsigned char>(c) >= 0x20) std::fputc(c, out);
            }
            std::fputc('"', out);
        } else if (std::isfinite(e.value)) {
            std::fprintf(out, "%.*f", e.decimals + 2, e.value);
        } else {
            std::fputs("null", out);
        }
    }
    std::fputs("}\n", out);
}

}  // namespace tickwire::load
