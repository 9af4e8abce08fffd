#include "runtime/column/column.hpp"

#include <cstring>
#include <functional>

namespace tally::runtime {

namespace {
constexpr std::uint64_t kAll = ~std::uint64_t{0};

// The bits of a word that hold rows, when `rows` rows are in use in total.
std::uint64_t tail_mask(std::size_t rows) {
  const std::size_t used = rows & 63;
  return used == 0 ? kAll : (std::uint64_t{1} << used) - 1;
}
}  // namespace

void Validity::resize(std::size_t rows, bool known) {
  if (rows > rows_ && known) {
    // Set the new rows of the last partly used word before adding whole words.
    if ((rows_ & 63) != 0) bits_.back() |= ~tail_mask(rows_);
  }
  bits_.resize((rows + 63) / 64, known ? kAll : 0);
  rows_ = rows;
  if (!bits_.empty()) bits_.back() &= tail_mask(rows_);
}

void Validity::set(std::size_t row, bool known) {
  const std::uint64_t bit = std::uint64_t{1} << (row & 63);
  if (known)
    bits_[row >> 6] |= bit;
  else
    bits_[row >> 6] &= ~bit;
}

bool Validity::all_known() const {
  if (bits_.empty()) return true;
  for (std::size_t w = 0; w + 1 < bits_.size(); ++w)
    if (bits_[w] != kAll) return false;
  const std::uint64_t mask = tail_mask(rows_);
  return (bits_.back() & mask) == mask;
}

void Validity::push_back(bool known) {
  if ((rows_ & 63) == 0) bits_.push_back(0);
  if (known) bits_.back() |= std::uint64_t{1} << (rows_ & 63);
  ++rows_;
}

void Validity::append(const Validity& other) {
  if (other.rows_ == 0) return;
  const std::size_t shift = rows_ & 63;
  if (shift == 0) {
    bits_.insert(bits_.end(), other.bits_.begin(), other.bits_.end());
  } else {
    // Each word of `other` fills the free high bits of the last word and starts the next one.
    bits_.reserve((rows_ + other.rows_ + 63) / 64);
    for (const std::uint64_t word : other.bits_) {
      bits_.back() |= word << shift;
      bits_.push_back(word >> (64 - shift));
    }
  }
  rows_ += other.rows_;
  bits_.resize((rows_ + 63) / 64);
  if (!bits_.empty()) bits_.back() &= tail_mask(rows_);
}

namespace {
constexpr std::size_t kFirstSlots = 1024;
constexpr std::uint64_t kCodeBits = 0xFFFFFFFFu;
constexpr std::size_t kHeadBytes = 8;

struct Probe {
  std::uint64_t hash;
  std::uint64_t tag;   // meta without the code: hash bits and the length
  std::uint64_t head;  // the first bytes of the text, zero padded
};

Probe probe_of(std::string_view text) {
  Probe p;
  p.hash = std::hash<std::string_view>{}(text);
  const std::uint64_t length = text.size() < 15 ? text.size() : 15;
  p.tag = (p.hash & ~kCodeBits & ~(std::uint64_t{15} << 32)) | (length << 32);
  p.head = 0;
  if (!text.empty())
    std::memcpy(&p.head, text.data(), text.size() < kHeadBytes ? text.size() : kHeadBytes);
  return p;
}

// Whether a slot whose tag and head match those of `text` is known to hold `text` without reading
// strings_: true when the head holds the whole text and the tag its exact length.
bool decided_by_slot(std::string_view text) { return text.size() <= kHeadBytes; }
}  // namespace

void StringPool::rehash(std::size_t count) {
  std::vector<Slot> slots(count);
  const std::size_t mask = slots.size() - 1;
  for (const Slot& old : slots_) {
    if (old.meta == 0) continue;
    const auto code = static_cast<std::size_t>((old.meta & kCodeBits) - 1);
    std::size_t i = probe_of(strings_[code]).hash & mask;
    while (slots[i].meta != 0) i = (i + 1) & mask;
    slots[i] = old;
  }
  slots_ = std::move(slots);
}

void StringPool::reserve(std::size_t strings) {
  std::size_t count = slots_.empty() ? kFirstSlots : slots_.size();
  while (strings * 2 > count) count *= 2;
  if (count > slots_.size()) rehash(count);
  strings_.reserve(strings);
}

std::uint32_t StringPool::intern(std::string_view text) {
  // Keep the table at most half full so probe runs stay short.
  if ((strings_.size() + 1) * 2 > slots_.size())
    rehash(slots_.empty() ? kFirstSlots : slots_.size() * 2);
  const Probe p = probe_of(text);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = p.hash & mask;; i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (slot.meta == 0) {
      const auto code = static_cast<std::uint32_t>(strings_.size());
      strings_.emplace_back(text);
      slot.meta = p.tag | (std::uint64_t{code} + 1);
      slot.head = p.head;
      return code;
    }
    if ((slot.meta & ~kCodeBits) == p.tag && slot.head == p.head) {
      const auto code = static_cast<std::uint32_t>((slot.meta & kCodeBits) - 1);
      if (decided_by_slot(text) || strings_[code] == text) return code;
    }
  }
}

std::int64_t StringPool::find(std::string_view text) const {
  if (slots_.empty()) return -1;
  const Probe p = probe_of(text);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = p.hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.meta == 0) return -1;
    if ((slot.meta & ~kCodeBits) == p.tag && slot.head == p.head) {
      const std::uint64_t code = (slot.meta & kCodeBits) - 1;
      if (decided_by_slot(text) || strings_[code] == text) return static_cast<std::int64_t>(code);
    }
  }
}

const Column* Table::find(std::string_view column) const {
  for (const Column& c : columns)
    if (c.name == column) return &c;
  return nullptr;
}

}  // namespace tally::runtime
