#pragma once
// Report: the figures of one run, in order, printed as a two-column table for
// people or as one flat JSON object for bench/compare.sh.
//
// Thread: any one thread.

#include <cstdio>
#include <string>
#include <vector>

namespace tickwire::load {

class Report {
public:
    void add(std::string key, double value, int decimals = 0, std::string unit = {});
    void add_text(std::string key, std::string value);
    void print_table(std::FILE* out) const;
    void print_json(std::FILE* out) const;

private:
    struct Entry {
        std::string key;
        double value = 0;
        int decimals = 0;
        std::string unit;
        std::string text;
        bool is_text = false;
    };
    std::vector<Entry> entries_;
};

}  // namespace tickwire::load
