// A private temporary folder for one test: made with mkdtemp under $TMPDIR (else /tmp), so that
// tests run side by side (ctest -j, several checkouts) never share a path; removed with
// everything in it by the destructor.
#pragma once

#include <cerrno>
#include <cstdlib>  // mkdtemp (POSIX)
#include <filesystem>
#include <string>
#include <system_error>

namespace test_common {

class TempDir {
  public:
    // `prefix` names the folder, to tell whose it is when one is left behind by a crash.
    explicit TempDir(const std::string& prefix = "audisp-eql-test") {
        std::string pattern =
            (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
        }
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;  // a destructor reports nothing: what is left is in $TMPDIR
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

  private:
    std::filesystem::path path_;
};

}  // namespace test_common
