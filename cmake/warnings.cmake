# One place for compiler warnings: every tally target calls tally_set_warnings().
option(TALLY_WERROR "Treat warnings as errors" OFF)
option(TALLY_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

function(tally_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wimplicit-fallthrough)
  # GCC 12 reports -Wrestrict inside std::string's operator+ at -O2 where no overlap exists
  # (GCC bug 105329); it is not a diagnostic about tally's code.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(TALLY_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

if(TALLY_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# libFuzzer: every library is instrumented for coverage; the targets of tests/fuzz link the
# fuzzer's driver.
option(TALLY_FUZZ "Build the libFuzzer targets of tests/fuzz (clang only)" OFF)
if(TALLY_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "TALLY_FUZZ needs clang: configure with CC=clang CXX=clang++")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
