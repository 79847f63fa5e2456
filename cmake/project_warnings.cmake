# Per-target warnings and sanitizers, so third-party code is never built with our flags.
function(project_warnings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wconversion -Wshadow)
    if(AUDISP_EQL_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
    if(AUDISP_EQL_SANITIZE)
        target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                 -fno-sanitize-recover=all)
        target_link_options(${target} PRIVATE -fsanitize=address,undefined)
    endif()
endfunction()
