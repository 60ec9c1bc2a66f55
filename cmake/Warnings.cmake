# Project code builds with warnings as errors; third-party headers are included as SYSTEM so
# their warnings never fail the build.
function(kronos_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wno-sign-conversion -Werror)
endfunction()
