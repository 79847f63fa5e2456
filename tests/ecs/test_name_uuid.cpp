// Name-based UUIDs (version 5) against values computed independently with Python's uuid.uuid5.
#include <catch2/catch.hpp>
#include <string>

#include "ecs/name_uuid.hpp"

namespace test_name_uuid {

TEST_CASE("name_uuid: RFC 4122 version 5 UUIDs as Python's uuid.uuid5 makes them") {
    const auto text = [](std::string_view name) {
        return ecs::uuid_text(ecs::name_uuid(ecs::kDnsNamespace, name));
    };
    CHECK(text("python.org") == "886313e1-3b8a-5372-9b90-0c9aee199e5d");
    CHECK(text("") == "4ebd0208-8328-5d69-8c44-ec50939c0967");
    CHECK(text(std::string(200, 'x')) == "ddcc691a-b8e2-53e5-b059-6a232874b2eb");  // 4 blocks
}

TEST_CASE("NameUuidMaker: one context reused gives each id as a fresh one does") {
    ecs::NameUuidMaker maker;
    // A long name (4 SHA-1 blocks) first, so that a context not fully reset would show.
    CHECK(ecs::uuid_text(maker.make(ecs::kDnsNamespace, std::string(200, 'x'))) ==
          "ddcc691a-b8e2-53e5-b059-6a232874b2eb");
    CHECK(ecs::uuid_text(maker.make(ecs::kDnsNamespace, "python.org")) ==
          "886313e1-3b8a-5372-9b90-0c9aee199e5d");
    CHECK(ecs::uuid_text(maker.make(ecs::kDnsNamespace, "")) ==
          "4ebd0208-8328-5d69-8c44-ec50939c0967");
    for (int i = 0; i < 3; ++i) {
        CHECK(maker.make(ecs::kDnsNamespace, "python.org") ==
              ecs::name_uuid(ecs::kDnsNamespace, "python.org"));
    }
}

TEST_CASE("uuid_text: lowercase hex in 8-4-4-4-12 groups") {
    ecs::Uuid uuid{};
    for (std::size_t i = 0; i < uuid.size(); ++i) uuid[i] = static_cast<uint8_t>(i * 17);
    CHECK(ecs::uuid_text(uuid) == "00112233-4455-6677-8899-aabbccddeeff");
}

}  // namespace test_name_uuid
