#include "runtime/column/column.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

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

bool Validity::all_known() const {
  if (bits_.empty()) return true;
  for (std::size_t w = 0; w + 1 < bits_.size(); ++w)
    if (bits_[w] != kAll) return false;
  const std::uint64_t mask = tail_mask(rows_);
  return (bits_.back() & mask) == mask;
}

void Validity::expand(std::size_t begin, std::size_t n, std::uint8_t* out) const {
  const std::uint64_t* bits = bits_.data();
  std::size_t k = 0;
  // Row by row up to a word boundary, then a word at a time: whole words of known rows (the
  // usual case) as one fill.
  for (; k < n && ((begin + k) & 63) != 0; ++k) out[k] = known(begin + k) ? 1 : 0;
  for (; k + 64 <= n; k += 64) {
    const std::uint64_t word = bits[(begin + k) >> 6];
    if (word == kAll) {
      std::memset(out + k, 1, 64);
    } else {
      for (unsigned b = 0; b < 64; ++b) out[k + b] = static_cast<std::uint8_t>((word >> b) & 1u);
    }
  }
  for (; k < n; ++k) out[k] = known(begin + k) ? 1 : 0;
}

void Validity::push_back(bool known) {
  if ((rows_ & 63) == 0) bits_.push_back(0);
  if (known) bits_.back() |= std::uint64_t{1} << (rows_ & 63);
  ++rows_;
}

void Validity::append(const std::uint8_t* known, std::size_t n) {
  std::size_t k = 0;
  // Row by row up to a word boundary, then a word at a time.
  for (; k < n && (rows_ & 63) != 0; ++k) push_back(known[k] != 0);
  for (; k + 64 <= n; k += 64) {
    std::uint64_t word = 0;
    for (unsigned b = 0; b < 64; ++b) word |= static_cast<std::uint64_t>(known[k + b] != 0) << b;
    bits_.push_back(word);
    rows_ += 64;
  }
  for (; k < n; ++k) push_back(known[k] != 0);
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
constexpr std::uint64_t kLengthBits = std::uint64_t{15} << 32;
constexpr int kTagShift = 36;  // the hash bits a slot keeps: 36 to 63
constexpr std::size_t kHeadBytes = 8;

std::uint64_t mix(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdu;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53u;
  h ^= h >> 33;
  return h;
}

// The first n (at most 8) bytes at p, zero padded.
std::uint64_t load(const char* p, std::size_t n) {
  std::uint64_t word = 0;
  if (n > 0) std::memcpy(&word, p, n);
  return word;
}

std::uint64_t hash_of(std::string_view text) {
  const char* p = text.data();
  std::size_t n = text.size();
  std::uint64_t h = 0x9E3779B97F4A7C15u * (n + 1);
  for (; n > 8; n -= 8, p += 8) h = mix(h ^ load(p, 8));
  return mix(h ^ load(p, n));
}

bool decided_by_slot(std::string_view text) { return text.size() <= kHeadBytes; }
}  // namespace

// The parts of a slot that a text must match: hash bits and length, and the first bytes.
struct StringPool::Probe {
  std::uint64_t hash;
  std::uint64_t tag;   // meta without the code
  std::uint64_t head;  // the first bytes of the text, zero padded
};

StringPool::Probe StringPool::probe_of(std::string_view text) {
  Probe p;
  p.hash = hash_of(text);
  const std::uint64_t length = text.size() < 15 ? text.size() : 15;
  p.tag = (p.hash & ~kCodeBits & ~kLengthBits) | (length << 32);
  p.head =
      text.empty() ? 0 : load(text.data(), text.size() < kHeadBytes ? text.size() : kHeadBytes);
  return p;
}

void StringPool::rehash(std::size_t count) {
  std::vector<Slot> slots(count);
  const std::size_t mask = count - 1;
  const int shift = 64 - std::countr_zero(count);
  for (const Slot& old : slots_) {
    if (old.meta == 0) continue;
    std::size_t i;
    if (shift >= kTagShift) {
      i = static_cast<std::size_t>(old.meta >> shift);
    } else {
      const auto code = static_cast<std::size_t>((old.meta & kCodeBits) - 1);
      i = static_cast<std::size_t>(hash_of(text(static_cast<std::int64_t>(code))) >> shift);
    }
    while (slots[i].meta != 0) i = (i + 1) & mask;
    slots[i] = old;
  }
  slots_ = std::move(slots);
  shift_ = shift;
}

void StringPool::grow_for(std::size_t strings) {
  // Keep the table at most half full so probe runs stay short.
  if (strings * 2 <= slots_.size()) return;
  std::size_t count = slots_.empty() ? kFirstSlots : slots_.size() * 2;
  while (strings * 2 > count) count *= 2;
  rehash(count);
}

std::uint32_t StringPool::insert(std::string_view text, const Probe& p) {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = first_slot(p.hash);; i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (slot.meta == 0) {
      const auto code = static_cast<std::uint32_t>(ends_.size());
      bytes_.insert(bytes_.end(), text.begin(), text.end());
      ends_.push_back(bytes_.size());
      slot.meta = p.tag | (std::uint64_t{code} + 1);
      slot.head = p.head;
      return code;
    }
    if ((slot.meta & ~kCodeBits) == p.tag && slot.head == p.head) {
      const auto code = static_cast<std::uint32_t>((slot.meta & kCodeBits) - 1);
      if (decided_by_slot(text) || this->text(code) == text) return code;
    }
  }
}

bool StringPool::owns(std::string_view text) const {
  return !bytes_.empty() && text.data() >= bytes_.data() &&
         text.data() < bytes_.data() + bytes_.size();
}

std::uint32_t StringPool::intern(std::string_view text) {
  if (owns(text)) return intern(std::string(text));  // adding a text may move this one
  grow_for(ends_.size() + 1);
  return insert(text, probe_of(text));
}

void StringPool::intern_all(const std::string_view* texts, std::size_t n, std::uint32_t* codes) {
  // Texts of this pool itself may move as new ones are added: a batch holding one is copied.
  if (std::any_of(texts, texts + n, [&](std::string_view t) { return owns(t); })) {
    const std::vector<std::string> copies(texts, texts + n);
    for (std::size_t k = 0; k < n; ++k) codes[k] = intern(copies[k]);
    return;
  }
  constexpr std::size_t kBatch = 256;
  Probe probes[kBatch];
  for (std::size_t from = 0; from < n; from += kBatch) {
    const std::size_t count = n - from < kBatch ? n - from : kBatch;
    grow_for(ends_.size() + count);
    for (std::size_t k = 0; k < count; ++k) probes[k] = probe_of(texts[from + k]);
    // Each slot is asked for a few texts before it is read: enough to overlap the misses.
    constexpr std::size_t kAhead = 16;
    for (std::size_t k = 0; k < count && k < kAhead; ++k)
      __builtin_prefetch(&slots_[first_slot(probes[k].hash)]);
    for (std::size_t k = 0; k < count; ++k) {
      if (k + kAhead < count) __builtin_prefetch(&slots_[first_slot(probes[k + kAhead].hash)]);
      codes[from + k] = insert(texts[from + k], probes[k]);
    }
  }
}

std::int64_t StringPool::find(std::string_view text) const {
  if (slots_.empty()) return -1;
  const Probe p = probe_of(text);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = first_slot(p.hash);; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.meta == 0) return -1;
    if ((slot.meta & ~kCodeBits) == p.tag && slot.head == p.head) {
      const std::uint64_t code = (slot.meta & kCodeBits) - 1;
      if (decided_by_slot(text) || this->text(static_cast<std::int64_t>(code)) == text)
        return static_cast<std::int64_t>(code);
    }
  }
}

void LineMap::push_back(std::int64_t line) {
  if (runs_.empty() ||
      line != runs_.back().line + static_cast<std::int64_t>(size_ - runs_.back().row))
    runs_.push_back(Run{size_, line});
  ++size_;
}

void LineMap::push_run(std::int64_t line, std::size_t rows) {
  if (rows == 0) return;
  if (runs_.empty() ||
      line != runs_.back().line + static_cast<std::int64_t>(size_ - runs_.back().row))
    runs_.push_back(Run{size_, line});
  size_ += rows;
}

void LineMap::append(const LineMap& other) {
  for (const Run& r : other.runs_) {
    const std::size_t row = size_ + r.row;
    // A run that continues this map's last one adds no entry.
    if (!runs_.empty() &&
        r.line == runs_.back().line + static_cast<std::int64_t>(row - runs_.back().row))
      continue;
    runs_.push_back(Run{row, r.line});
  }
  size_ += other.size_;
}

std::int64_t LineMap::operator[](std::size_t row) const {
  if (runs_.empty()) return 0;  // no rows: no line to give
  // The last run that starts at or before `row`.
  auto it = std::upper_bound(runs_.begin(), runs_.end(), row,
                             [](std::size_t r, const Run& run) { return r < run.row; });
  --it;
  return it->line + static_cast<std::int64_t>(row - it->row);
}

std::vector<std::int64_t> LineMap::all() const {
  std::vector<std::int64_t> out;
  out.reserve(size_);
  for (std::size_t r = 0; r < size_; ++r) out.push_back((*this)[r]);
  return out;
}

const Column* Table::find(std::string_view column) const {
  for (const Column& c : columns)
    if (c.name == column) return &c;
  return nullptr;
}

}  // namespace tally::runtime
