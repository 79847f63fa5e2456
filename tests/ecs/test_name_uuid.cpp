// Name-based UUIDs (version 5) against values computed independently with Python's uuid.uuid5.
#include <catch2/catch.hpp>
#include <string>

#include "ecs/name_uuid.hpp"

TEST_CASE("name_uuid: RFC 4122 version 5 UUIDs as Python's uuid.uuid5 makes them") {
    const auto text = [](std::string_view name) {
        return ecs::uuid_text(ecs::name_uuid(ecs::kDnsNamespace, name));
    };
    CHECK(text("python.org") == "886313e1-3b8a-5372-9b90-0c9aee199e5d");
    CHECK(text("") == "4ebd0208-8328-5d69-8c44-ec50939c0967");
    CHECK(text(std::string(200, 'x')) == "ddcc691a-b8e2-53e5-b059-6a232874b2eb");  // 4 blocks
}

TEST_CASE("uuid_text: lowercase hex in 8-4-4-4-12 groups") {
    ecs::Uuid uuid{};
    for (std::size_t i = 0; i < uuid.size(); ++i) uuid[i] = static_cast<uint8_t>(i * 17);
    CHECK(ecs::uuid_text(uuid) == "00112233-4455-6677-8899-aabbccddeeff");
}
