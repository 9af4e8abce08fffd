// The text functions' work on one text, apart from vectors and codes (unit-tested on their
// own): lengths and positions count UTF-8 characters, a byte that is not UTF-8 counting as one;
// upper and lower change a-z and A-Z only; trim removes spaces, tabs and line breaks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tally::runtime {

std::size_t text_length(std::string_view text);
std::string text_upper(std::string_view text);
std::string text_lower(std::string_view text);
std::string_view text_trim(std::string_view text);
// Characters start .. start + length - 1 of `text` as far as they exist, the first being 1 (so a
// start below 1 gives fewer characters); nullopt for a negative length.
std::optional<std::string_view> text_substring(std::string_view text, std::int64_t start,
                                               std::int64_t length);

}  // namespace tally::runtime
