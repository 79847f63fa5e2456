// The text pool: one copy of each repeated text, counted references, and bytes that go back
// with the last reference.
#include <catch2/catch.hpp>
#include <string>
#include <utility>

#include "process/text_pool.hpp"

namespace test_text_pool {

namespace {

const std::string kLong = "/home/alice/projects/audisp-eql/build";  // 37 bytes: on the heap

}  // namespace

TEST_CASE("a text interned twice is kept once and charged once") {
    process::TextPool pool;
    const process::SharedText first = pool.intern(kLong);
    const process::SharedText second = pool.intern(std::string(kLong));
    CHECK(first.identity() == second.identity());
    CHECK(second.str() == kLong);
    CHECK(pool.size() == 1);
    // Element 56, set node links and bucket 24, heap 38.
    CHECK(pool.bytes() == 56 + 24 + 38);
    CHECK(first.charge() == pool.bytes());
    const process::SharedText other = pool.intern("bin");  // in the SSO buffer: no heap
    CHECK(other.charge() == 56 + 24);
    CHECK(pool.size() == 2);
    CHECK(pool.bytes() == (56 + 24 + 38) + (56 + 24));
}

TEST_CASE("the last reference gone takes its text out of the pool") {
    process::TextPool pool;
    process::SharedText kept = pool.intern("kept");
    {
        const process::SharedText a = pool.intern(kLong);
        process::SharedText b = a;
        CHECK(pool.size() == 2);
        b = process::SharedText();
        CHECK(pool.size() == 2);  // a still holds it
    }
    CHECK(pool.size() == 1);
    CHECK(pool.bytes() == 56 + 24);
    kept = process::SharedText();
    CHECK(pool.size() == 0);
    CHECK(pool.bytes() == 0);
}

TEST_CASE("the empty text is never pooled and costs nothing") {
    process::TextPool pool;
    const process::SharedText empty = pool.intern("");
    CHECK(empty.empty());
    CHECK(empty.str().empty());
    CHECK(empty.charge() == 0);
    CHECK(pool.size() == 0);
    CHECK(process::SharedText().str().empty());
}

TEST_CASE("copies and moves of a reference keep the count right, self-assignment included") {
    process::TextPool pool;
    process::SharedText a = pool.intern(kLong);
    process::SharedText& alias = a;
    a = alias;  // self copy: must not drop the last reference first
    CHECK(a.str() == kLong);
    process::SharedText moved = std::move(a);
    CHECK(moved.str() == kLong);
    process::SharedText target = pool.intern("other");
    target = std::move(moved);  // releases "other", takes kLong without a new count
    CHECK(pool.size() == 1);
    CHECK(target.str() == kLong);
    target = process::SharedText();
    CHECK(pool.size() == 0);
}

TEST_CASE("texts alike in length, head and tail (one recent slot) stay apart") {
    // The pool's shortcut keys on the length and the first, middle and last bytes (here one slot,
    // as x and y differ at byte 9); the compare decides.
    process::TextPool pool;
    const std::string x = "/usr/lib/x/tools/bin/sort";
    const std::string y = "/usr/lib/y/tools/bin/sort";
    REQUIRE(process::TextPool::recent_slot(x) == process::TextPool::recent_slot(y));
    const process::SharedText first_x = pool.intern(x);
    const process::SharedText first_y = pool.intern(y);
    const process::SharedText again_x = pool.intern(x);
    const process::SharedText again_y = pool.intern(y);
    CHECK(first_x.identity() != first_y.identity());
    CHECK(again_x.identity() == first_x.identity());
    CHECK(again_y.identity() == first_y.identity());
    CHECK(again_x.str() == x);
    CHECK(again_y.str() == y);
    CHECK(pool.size() == 2);
}

TEST_CASE("a text gone from the pool is made anew, never found where it was") {
    // release() clears the shortcut's slot before the text goes (ASan builds would catch a read
    // of the freed text).
    process::TextPool pool;
    process::SharedText gone = pool.intern(kLong);
    gone = process::SharedText();
    CHECK(pool.size() == 0);
    const process::SharedText other = pool.intern("/usr/bin/make");
    const process::SharedText again = pool.intern(kLong);
    CHECK(again.str() == kLong);
    CHECK(pool.size() == 2);
    CHECK(pool.bytes() == (56 + 24 + 38) + (56 + 24));
}

}  // namespace test_text_pool
