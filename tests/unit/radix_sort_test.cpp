#include "runtime/exec/derived/radix_sort.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace tally::runtime {
namespace {

// What radix_sort_bits must give: a stable sort on bits [low, high).
Words expected(Words words, int low, int high) {
  const std::uint64_t mask =
      high - low >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << (high - low)) - 1;
  std::stable_sort(words.begin(), words.end(), [&](std::uint64_t a, std::uint64_t b) {
    return ((a >> low) & mask) < ((b >> low) & mask);
  });
  return words;
}

Words random_words(std::size_t n, std::uint64_t mask, unsigned seed) {
  std::mt19937_64 rng(seed);
  Words words(n);
  for (auto& w : words) w = rng() & mask;
  return words;
}

TEST(RadixSort, SortsOnTheBitsAskedAndKeepsTiesInOrder) {
  // Low bits carry the original position, as a row number does, so stability shows.
  for (int low : {0, 7, 20}) {
    for (int high : {low + 1, low + 13, low + 35, 64}) {
      Words words = random_words(5000, ~std::uint64_t{0}, 11u + static_cast<unsigned>(low + high));
      const auto want = expected(words, low, high);
      radix_sort_bits(words, low, high, 1);
      EXPECT_EQ(words, want) << "bits " << low << ".." << high;
    }
  }
}

TEST(RadixSort, TwoThreadsGiveTheSameOrderAsOne) {
  // Few distinct keys in the sorted bits, so many ties cross the threads' halves.
  Words words = random_words(700000, (std::uint64_t{0xFF} << 24) | 0xFFFFFF, 5);
  for (std::size_t i = 0; i < words.size(); ++i)
    words[i] = (words[i] & ~std::uint64_t{0xFFFFFF}) | i;
  Words one = words;
  radix_sort_bits(one, 24, 32, 1);
  radix_sort_bits(words, 24, 32, 2);
  EXPECT_EQ(words, one);
  EXPECT_EQ(words, expected(one, 24, 32));
}

TEST(RadixSort, ManyWordsOnEveryBitWithBothThreadCounts) {
  const Words words = random_words(300000, ~std::uint64_t{0}, 21);
  for (unsigned threads : {1u, 2u}) {
    for (auto [low, high] : {std::pair{0, 64}, std::pair{19, 51}, std::pair{40, 53}}) {
      Words sorted = words;
      radix_sort_bits(sorted, low, high, threads);
      EXPECT_EQ(sorted, expected(words, low, high))
          << threads << " threads, bits " << low << ".." << high;
    }
  }
}

TEST(RadixSort, EmptyRangesAndSmallInputsAreLeftAlone) {
  Words words = {5, 3, 9};
  radix_sort_bits(words, 4, 4, 2);
  EXPECT_EQ(words, (Words{5, 3, 9}));
  Words none;
  radix_sort_bits(none, 0, 64, 2);
  EXPECT_TRUE(none.empty());
  Words one = {42};
  radix_sort_bits(one, 0, 64, 2);
  EXPECT_EQ(one, (Words{42}));
}

TEST(RadixSort, WordsAgreeingOnADigitSkipThatPass) {
  // Every word has the same top digit; the result must still be sorted on all bits.
  Words words = random_words(3000, 0xFFF, 9);
  for (auto& w : words) w |= std::uint64_t{0xABC} << 40;
  const auto want = expected(words, 0, 64);
  radix_sort_bits(words, 0, 64, 2);
  EXPECT_EQ(words, want);
}

}  // namespace
}  // namespace tally::runtime
