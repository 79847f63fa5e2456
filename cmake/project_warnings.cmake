# Per-target warnings and sanitizers, so third-party code is never built with our flags.
function(project_warnings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wconversion -Wshadow)
    # GCC 12 reports impossible std::string copies at -O3 (GCC bug 105329): a false positive
    # in libstdc++ inlining, not in our code.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
        target_compile_options(${target} PRIVATE -Wno-restrict)
    endif()
    if(AUDISP_EQL_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
    if(AUDISP_EQL_SANITIZE)
        target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                 -fno-sanitize-recover=all)
        target_link_options(${target} PRIVATE -fsanitize=address,undefined)
    endif()
endfunction()
