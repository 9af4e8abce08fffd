// Text functions: length, upper, lower, trim, starts_with, ends_with, contains, substring and
// matches. Lengths and positions count UTF-8 characters (a byte that is not UTF-8 counts as one);
// upper and lower change the letters a-z and A-Z only. Texts a function makes get codes through
// TextCodes::made_code, so they compare with the data's and the constants' texts. A pattern is
// compiled once per evaluator and its answer kept per text code.
#include <re2/re2.h>

#include <algorithm>
#include <unordered_map>

#include "lang/base/text.hpp"
#include "runtime/exec/evaluator.hpp"
#include "runtime/exec/text_functions.hpp"

namespace tally::runtime {

namespace {

// The characters of `text`: the byte offset where each begins, and the end.
std::vector<std::size_t> char_starts(std::string_view text) {
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < text.size();) {
    starts.push_back(i);
    const std::size_t len = utf8_length(text, i);
    i += len == 0 ? 1 : len;
  }
  starts.push_back(text.size());
  return starts;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

constexpr std::size_t kPatternAnswersKept = 1 << 16;

// The whole-number value of cell i of a number vector, or nullopt when it has a fraction.
std::optional<std::int64_t> whole_number(const Vec& x, std::size_t i) {
  if (x.rational) {
    const Rational& r = x.r[i];
    if (boost::multiprecision::denominator(r) != 1) return std::nullopt;
    const auto& top = boost::multiprecision::numerator(r);
    // Past a billion characters either way every text reads the same: keep it in 64 bits.
    if (top > 1000000000) return 1000000000;
    if (top < -1000000000) return -1000000000;
    return static_cast<std::int64_t>(top);
  }
  const std::int64_t f = pow10_i64(x.scale);
  if (x.v[i] % f != 0) return std::nullopt;
  return x.v[i] / f;
}

}  // namespace

std::size_t text_length(std::string_view text) { return char_starts(text).size() - 1; }

std::string text_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

std::string text_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view text_trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::optional<std::string_view> text_substring(std::string_view text, std::int64_t start,
                                               std::int64_t length) {
  if (length < 0) return std::nullopt;
  const std::vector<std::size_t> starts = char_starts(text);
  const auto chars = static_cast<std::int64_t>(starts.size() - 1);
  // Characters start .. start + length - 1, as far as they exist (the first is 1). The length is
  // not negative, so start + length can overflow only past every text's end.
  const std::int64_t from = std::clamp<std::int64_t>(start, 1, chars + 1);
  std::int64_t end = 0;
  if (__builtin_add_overflow(start, length, &end)) end = chars + 1;
  const std::int64_t to = std::clamp<std::int64_t>(end, 1, chars + 1);
  if (to <= from) return std::string_view();
  const std::size_t b = starts[static_cast<std::size_t>(from - 1)];
  const std::size_t e = starts[static_cast<std::size_t>(to - 1)];
  return text.substr(b, e - b);
}

Vec Evaluator::text_function(const plan::Node& node) {
  const Vec& t = eval(node.a);
  const TextCodes& texts = in_.texts;
  switch (node.op) {
    case NodeOp::length: {
      Vec x = result_of(Kind::number, {&t});
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!t.known[i]) continue;
        x.known[i] = 1;
        x.v[i] = static_cast<std::int64_t>(text_length(texts.text(t.v[i])));
      }
      return x;
    }
    case NodeOp::upper:
    case NodeOp::lower:
    case NodeOp::trim: {
      Vec x = result_of(Kind::text, {&t});
      // Codes repeat down a column: each is changed once per batch.
      std::unordered_map<std::int64_t, std::int64_t> done;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!t.known[i]) continue;
        x.known[i] = 1;
        auto [it, fresh] = done.try_emplace(t.v[i], 0);
        if (fresh) {
          const std::string_view s = texts.text(t.v[i]);
          it->second = node.op == NodeOp::trim    ? texts.made_code(text_trim(s))
                       : node.op == NodeOp::upper ? texts.made_code(text_upper(s))
                                                  : texts.made_code(text_lower(s));
        }
        x.v[i] = it->second;
      }
      return x;
    }
    case NodeOp::starts_with:
    case NodeOp::ends_with:
    case NodeOp::contains: {
      const Vec& p = eval(node.b);
      Vec x = result_of(Kind::boolean, {&t, &p});
      for (std::size_t i = 0; i < x.size(); ++i) {
        const std::size_t it = at(t, i), ip = at(p, i);
        if (!t.known[it] || !p.known[ip]) continue;
        const std::string_view s = texts.text(t.v[it]);
        const std::string_view part = texts.text(p.v[ip]);
        x.known[i] = 1;
        x.v[i] = node.op == NodeOp::starts_with ? s.starts_with(part)
                 : node.op == NodeOp::ends_with ? s.ends_with(part)
                                                : s.find(part) != std::string_view::npos;
      }
      return x;
    }
    case NodeOp::substring: {
      const Vec& start = eval(node.b);
      const Vec& length = eval(node.c);
      Vec x = result_of(Kind::text, {&t, &start, &length});
      for (std::size_t i = 0; i < x.size(); ++i) {
        const std::size_t it = at(t, i), is = at(start, i), il = at(length, i);
        if (!t.known[it] || !start.known[is] || !length.known[il]) continue;
        const auto s = whole_number(start, is);
        const auto l = whole_number(length, il);
        if (!s || !l) continue;  // a fraction of a character: missing
        const auto part = text_substring(texts.text(t.v[it]), *s, *l);
        if (!part) continue;
        x.known[i] = 1;
        x.v[i] = texts.made_code(*part);
      }
      return x;
    }
    case NodeOp::matches:
      return pattern_match(node, t);
    default:
      break;
  }
  return missing_vec(Kind::error);
}

Vec Evaluator::pattern_match(const plan::Node& node, const Vec& t) {
  auto& slot = patterns_[&node - in_.plan.nodes.data()];
  if (!slot.re) {
    const Vec& p = eval(node.b);
    const std::string_view pattern = p.known.empty() || !p.known[0] ? "" : in_.texts.text(p.v[0]);
    RE2::Options options;
    options.set_log_errors(false);
    options.set_encoding(RE2::Options::EncodingUTF8);
    slot.re =
        std::make_shared<const RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  }
  const RE2& re = *slot.re;
  Vec x = result_of(Kind::boolean, {&t});
  if (!re.ok()) {
    fault(node, "this pattern cannot be read: " + re.error(), "correct the pattern");
    return x;
  }
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!t.known[i]) continue;
    x.known[i] = 1;
    if (auto it = slot.answers.find(t.v[i]); it != slot.answers.end()) {
      x.v[i] = it->second;
      continue;
    }
    const std::string_view s = in_.texts.text(t.v[i]);
    x.v[i] = RE2::FullMatch(re2::StringPiece(s.data(), s.size()), re) ? 1 : 0;
    // Codes repeat down a column (a few codes, many rows): answers are kept, up to a bound.
    if (slot.answers.size() < kPatternAnswersKept) slot.answers.emplace(t.v[i], x.v[i] != 0);
  }
  return x;
}

}  // namespace tally::runtime
