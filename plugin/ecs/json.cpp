// JSON output walks the field table, so NDJSON carries exactly the fields rules can test.
#include "ecs/json.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <string_view>

#include "ecs/fields.hpp"

namespace ecs {

namespace {

// `value` as exactly `width` zero-padded decimal digits.
void put_digits(std::string& out, uint64_t value, int width) {
    std::array<char, 20> digits{};
    for (int i = width - 1; i >= 0; --i) {
        digits[static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    out.append(digits.data(), static_cast<std::size_t>(width));
}

}  // namespace

std::string format_timestamp(int64_t microseconds_since_epoch) {
    // Calendar arithmetic and plain digits, not gmtime_r + strftime + snprintf: NDJSON writes
    // up to three dates per event, and the C library's path cost 2,700 instructions each.
    using namespace std::chrono;
    const sys_time<microseconds> at{microseconds{microseconds_since_epoch}};
    const sys_days day = floor<days>(at);
    const year_month_day date{day};
    const hh_mm_ss<microseconds> time{at - day};
    const int year = static_cast<int>(date.year());
    std::string out;
    out.reserve(32);
    if (year >= 0 && year <= 9999) {
        put_digits(out, static_cast<uint64_t>(year), 4);
    } else {
        out += std::to_string(year);
    }
    out += '-';
    put_digits(out, static_cast<unsigned>(date.month()), 2);
    out += '-';
    put_digits(out, static_cast<unsigned>(date.day()), 2);
    out += 'T';
    put_digits(out, static_cast<uint64_t>(time.hours().count()), 2);
    out += ':';
    put_digits(out, static_cast<uint64_t>(time.minutes().count()), 2);
    out += ':';
    put_digits(out, static_cast<uint64_t>(time.seconds().count()), 2);
    out += '.';
    put_digits(out, static_cast<uint64_t>(time.subseconds().count()), 6);
    out += 'Z';
    return out;
}

namespace {

// Walks "a.b.c" to the object that should hold "c", creating objects on the way.
nlohmann::json& parent_object(nlohmann::json& root, std::string_view dotted,
                              std::string_view& leaf) {
    nlohmann::json* node = &root;
    std::size_t start = 0;
    for (std::size_t dot = dotted.find('.'); dot != std::string_view::npos;
         dot = dotted.find('.', start)) {
        node = &(*node)[std::string(dotted.substr(start, dot - start))];
        start = dot + 1;
    }
    leaf = dotted.substr(start);
    return *node;
}

}  // namespace

nlohmann::json to_json(const Event& event) {
    nlohmann::json root = nlohmann::json::object();
    for (const FieldInfo& field : all_fields()) {
        const FieldValue value = get_field(event, field.id);
        if (value.missing()) continue;
        std::string_view leaf;
        nlohmann::json& holder = parent_object(root, field.name, leaf);
        nlohmann::json& slot = holder[std::string(leaf)];
        switch (value.kind) {
            case FieldValue::Kind::String:
                slot = std::string(value.text);
                break;
            case FieldValue::Kind::Integer:
                if (field.type == FieldType::Date) {
                    slot = format_timestamp(value.integer);
                } else {
                    slot = value.integer;
                }
                break;
            case FieldValue::Kind::Boolean:
                slot = value.boolean;
                break;
            case FieldValue::Kind::StringList:
                slot = nlohmann::json::array();
                for (const std::string& item : value.list) slot.push_back(item);
                break;
            case FieldValue::Kind::Missing:
                break;
        }
    }
    return root;
}

std::string dump_line(const nlohmann::json& document) {
    return document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace ecs
