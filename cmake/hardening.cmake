# Hardened build, as Debian builds daemons that parse untrusted input: the flags
# `DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags` gives on bookworm (PIE, stack
# protector, stack clash protection, CET on x86, _FORTIFY_SOURCE=2, format checks, full RELRO
# with immediate binding). audisp-eql runs as root and reads audit records whose values
# (command lines, paths) any local user controls. tests/e2e/hardening_check.sh checks the
# built and the packaged binary. Left out of sanitizer and fuzz builds, whose runtimes bring
# their own checks (ASan and _FORTIFY_SOURCE intercept the same functions).
option(AUDISP_EQL_HARDEN "Build with Debian's hardening flags (hardening=+all)" ON)
if(AUDISP_EQL_HARDEN AND NOT AUDISP_EQL_SANITIZE AND NOT AUDISP_EQL_FUZZ)
    set(CMAKE_POSITION_INDEPENDENT_CODE ON)
    include(CheckPIESupported)
    check_pie_supported(LANGUAGES C CXX)  # executables are then linked with -pie
    add_compile_options(-fstack-protector-strong -fstack-clash-protection -Wformat
                        -Werror=format-security)
    if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|amd64|i.86")
        add_compile_options(-fcf-protection)
    endif()
    # _FORTIFY_SOURCE needs optimisation (glibc warns without it, an error with -Werror).
    add_compile_definitions($<$<NOT:$<CONFIG:Debug>>:_FORTIFY_SOURCE=2>)
    add_link_options(LINKER:-z,relro LINKER:-z,now)
endif()
