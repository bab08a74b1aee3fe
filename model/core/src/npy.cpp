// NumPy .npy reader and writer (loom/npy.h).
#include "loom/npy.h"

#include <fmt/format.h>

#include <cctype>
#include <cstring>
#include <string_view>

namespace loom {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
constexpr size_t kAlign = 64;  // numpy.save pads the header so the data starts aligned

// Quotes a piece of the header for a message: at most 40 characters.
std::string excerpt(std::string_view s) {
  std::string out;
  for (const char ch : s.substr(0, 40)) {
    const auto c = static_cast<unsigned char>(ch);
    out += (c < 0x20 || c >= 0x7f) ? fmt::format("\\x{:02x}", c) : std::string(1, ch);
  }
  if (s.size() > 40) out += "...";
  return out;
}

// A recursive-descent reader of the header's dict literal.
class HeaderParser {
 public:
  explicit HeaderParser(std::string_view s) : s_(s) {}

  void parse(NpyArray& a) {
    ws();
    if (!eat('{')) fail("header is not a dict: '" + excerpt(s_) + "'");
    bool have_descr = false, have_fortran = false, have_shape = false;
    for (;;) {
      ws();
      if (eat('}')) break;
      const std::string key = string_literal("a key");
      ws();
      if (!eat(':')) fail(fmt::format("header dict: ':' expected after '{}'", excerpt(key)));
      ws();
      if (key == "descr") {
        if (have_descr) fail("header dict: duplicate key 'descr'");
        have_descr = true;
        a.dtype = dtype_of(string_literal("the descr"));
      } else if (key == "fortran_order") {
        if (have_fortran) fail("header dict: duplicate key 'fortran_order'");
        have_fortran = true;
        if (word("True"))
          fail(
              "fortran_order is True: only C-order arrays are read "
              "(save numpy.ascontiguousarray(x))");
        if (!word("False")) fail("header dict: fortran_order must be True or False");
      } else if (key == "shape") {
        if (have_shape) fail("header dict: duplicate key 'shape'");
        have_shape = true;
        a.shape = shape();
      } else {
        fail(fmt::format("header dict: unexpected key '{}' (only descr, fortran_order, shape)",
                         excerpt(key)));
      }
      ws();
      if (eat(',')) continue;
      ws();
      if (eat('}')) break;
      fail("header dict: ',' or '}' expected at '" + excerpt(s_.substr(pos_)) + "'");
    }
    ws();
    if (pos_ != s_.size())
      fail("header: unexpected text after the dict: '" + excerpt(s_.substr(pos_)) + "'");
    if (!have_descr) fail("header dict lacks the key 'descr'");
    if (!have_fortran) fail("header dict lacks the key 'fortran_order'");
    if (!have_shape) fail("header dict lacks the key 'shape'");
  }

 private:
  [[noreturn]] static void fail(const std::string& m) { throw NpyError(m); }

  void ws() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }
  bool eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool word(std::string_view w) {
    if (s_.substr(pos_, w.size()) != w) return false;
    const size_t end = pos_ + w.size();
    if (end < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[end])) || s_[end] == '_'))
      return false;
    pos_ = end;
    return true;
  }
  std::string string_literal(const char* what) {
    if (pos_ >= s_.size() || (s_[pos_] != '\'' && s_[pos_] != '"'))
      fail(fmt::format("header dict: {} must be a quoted string at '{}'", what,
                       excerpt(s_.substr(pos_))));
    const char q = s_[pos_++];
    const size_t end = s_.find(q, pos_);
    if (end == std::string_view::npos) fail("header dict: unterminated string");
    std::string v(s_.substr(pos_, end - pos_));
    if (v.find('\\') != std::string::npos) fail("header dict: escapes in strings are not read");
    pos_ = end + 1;
    return v;
  }
  std::vector<uint64_t> shape() {
    if (!eat('('))
      fail("header dict: shape must be a tuple, not '" + excerpt(s_.substr(pos_)) + "'");
    std::vector<uint64_t> dims;
    bool comma = false;
    for (;;) {
      ws();
      if (eat(')')) break;
      if (!dims.empty() && !comma) fail("header dict: ',' expected between shape dimensions");
      dims.push_back(dim());
      ws();
      comma = eat(',');
      if (dims.size() > 32) fail("shape has more than 32 dimensions");
    }
    if (dims.size() == 1 && !comma) fail("header dict: shape '(N)' is not a tuple (write '(N,)')");
    return dims;
  }
  uint64_t dim() {
    if (pos_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[pos_])))
      fail("header dict: shape dimensions must be non-negative integers, not '" +
           excerpt(s_.substr(pos_)) + "'");
    uint64_t v = 0;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
      const uint64_t d = uint64_t(s_[pos_++] - '0');
      if (v > (UINT64_MAX - d) / 10) fail("shape dimension too large");
      v = v * 10 + d;
    }
    eat('L');  // Python 2 long literals
    return v;
  }
  static NpyDtype dtype_of(const std::string& d) {
    if (d == "|i1" || d == "<i1" || d == "=i1" || d == "i1" || d == "b") return NpyDtype::kInt8;
    if (d == "|u1" || d == "<u1" || d == "=u1" || d == "u1" || d == "B") return NpyDtype::kUint8;
    if (d == "<i4" || d == "=i4") return NpyDtype::kInt32;
    if (d == "<i8" || d == "=i8") return NpyDtype::kInt64;
    if (!d.empty() && d[0] == '>')
      fail(fmt::format("dtype '{}' is big-endian: only little-endian arrays are read", excerpt(d)));
    fail(fmt::format(
        "dtype '{}' is not supported (int8 '|i1', uint8 '|u1', int32 '<i4', int64 '<i8')",
        excerpt(d)));
  }

  std::string_view s_;
  size_t pos_ = 0;
};

uint32_t le(const std::string& b, size_t off, size_t n) {
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= uint32_t(uint8_t(b[off + i])) << (8 * i);
  return v;
}

std::string shape_tuple(const std::vector<uint64_t>& shape) {
  if (shape.size() == 1) return fmt::format("({},)", shape[0]);
  return fmt::format("({})", fmt::join(shape, ", "));
}

}  // namespace

const char* npy_dtype_name(NpyDtype t) {
  switch (t) {
    case NpyDtype::kInt8:
      return "int8";
    case NpyDtype::kUint8:
      return "uint8";
    case NpyDtype::kInt32:
      return "int32";
    case NpyDtype::kInt64:
      return "int64";
  }
  return "?";
}

const char* npy_dtype_descr(NpyDtype t) {
  switch (t) {
    case NpyDtype::kInt8:
      return "|i1";
    case NpyDtype::kUint8:
      return "|u1";
    case NpyDtype::kInt32:
      return "<i4";
    case NpyDtype::kInt64:
      return "<i8";
  }
  return "?";
}

size_t npy_itemsize(NpyDtype t) {
  switch (t) {
    case NpyDtype::kInt8:
    case NpyDtype::kUint8:
      return 1;
    case NpyDtype::kInt32:
      return 4;
    case NpyDtype::kInt64:
      return 8;
  }
  return 1;
}

uint64_t NpyArray::count() const {
  uint64_t n = 1;
  for (const uint64_t d : shape) n *= d;
  return n;
}

std::string NpyArray::shape_str() const { return fmt::format("[{}]", fmt::join(shape, ", ")); }

std::vector<int8_t> NpyArray::as_int8() const {
  if (dtype != NpyDtype::kInt8)
    throw NpyError(fmt::format("dtype is {}, int8 expected", npy_dtype_name(dtype)));
  return std::vector<int8_t>(data.begin(), data.end());
}

std::vector<int32_t> NpyArray::as_int32() const {
  if (dtype != NpyDtype::kInt32)
    throw NpyError(fmt::format("dtype is {}, int32 expected", npy_dtype_name(dtype)));
  std::vector<int32_t> v(data.size() / 4);
  for (size_t i = 0; i < v.size(); ++i) {
    uint32_t x = 0;
    for (size_t b = 0; b < 4; ++b) x |= uint32_t(data[4 * i + b]) << (8 * b);
    v[i] = int32_t(x);
  }
  return v;
}

namespace {
uint64_t checked_count(const std::vector<uint64_t>& shape, size_t n) {
  uint64_t c = 1;
  for (const uint64_t d : shape) c *= d;
  if (c != n) throw std::invalid_argument("npy: the shape does not match the number of elements");
  return c;
}
}  // namespace

NpyArray npy_from_int8(const std::vector<uint64_t>& shape, const std::vector<int8_t>& v) {
  checked_count(shape, v.size());
  NpyArray a;
  a.dtype = NpyDtype::kInt8;
  a.shape = shape;
  a.data.assign(v.begin(), v.end());
  return a;
}

NpyArray npy_from_uint8(const std::vector<uint64_t>& shape, const std::vector<uint8_t>& v) {
  checked_count(shape, v.size());
  NpyArray a;
  a.dtype = NpyDtype::kUint8;
  a.shape = shape;
  a.data = v;
  return a;
}

NpyArray npy_from_int32(const std::vector<uint64_t>& shape, const std::vector<int32_t>& v) {
  checked_count(shape, v.size());
  NpyArray a;
  a.dtype = NpyDtype::kInt32;
  a.shape = shape;
  a.data.resize(4 * v.size());
  for (size_t i = 0; i < v.size(); ++i)
    for (size_t b = 0; b < 4; ++b) a.data[4 * i + b] = uint8_t(uint32_t(v[i]) >> (8 * b));
  return a;
}

NpyArray npy_parse(const std::string& b) {
  if (b.size() < kMagicLen || std::memcmp(b.data(), kMagic, kMagicLen) != 0)
    throw NpyError("not a .npy file (no \\x93NUMPY magic)");
  if (b.size() < kMagicLen + 2) throw NpyError("truncated .npy file: no version");
  const unsigned major = uint8_t(b[6]), minor = uint8_t(b[7]);
  if (major < 1 || major > 3 || minor != 0)
    throw NpyError(fmt::format("unsupported .npy format version {}.{} (1.0, 2.0, 3.0 are read)",
                               major, minor));
  const size_t len_bytes = major == 1 ? 2 : 4;
  if (b.size() < 8 + len_bytes) throw NpyError("truncated .npy file: no header length");
  const uint64_t hlen = le(b, 8, len_bytes);
  const uint64_t data_off = 8 + len_bytes + hlen;
  if (data_off > b.size())
    throw NpyError(fmt::format("truncated .npy header: {} bytes announced, {} present", hlen,
                               b.size() - 8 - len_bytes));
  const std::string_view header(b.data() + 8 + len_bytes, size_t(hlen));

  NpyArray a;
  HeaderParser(header).parse(a);

  uint64_t count = 1;
  for (const uint64_t d : a.shape)
    if (__builtin_mul_overflow(count, d, &count))
      throw NpyError(fmt::format("shape {} is too large", a.shape_str()));
  uint64_t bytes = 0;
  if (__builtin_mul_overflow(count, uint64_t(npy_itemsize(a.dtype)), &bytes))
    throw NpyError(fmt::format("shape {} is too large", a.shape_str()));
  const uint64_t have = b.size() - data_off;
  if (have != bytes)
    throw NpyError(fmt::format("{}: shape {} of {} needs {} data bytes, the file has {}",
                               have < bytes ? "truncated data" : "data size mismatch",
                               a.shape_str(), npy_dtype_name(a.dtype), bytes, have));
  a.data.assign(b.begin() + std::ptrdiff_t(data_off), b.end());
  return a;
}

std::string npy_serialize(const NpyArray& a) {
  if (a.data.size() != a.count() * npy_itemsize(a.dtype))
    throw std::invalid_argument("npy_serialize: data size does not match the shape");
  std::string dict = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}",
                                 npy_dtype_descr(a.dtype), shape_tuple(a.shape));
  // Header length field: 2 bytes (1.0) or 4 bytes (2.0); dict + padding + '\n'.
  unsigned major = 1;
  size_t prefix = 10;
  size_t total = (prefix + dict.size() + 1 + kAlign - 1) / kAlign * kAlign;
  if (total - prefix > 0xffff) {
    major = 2;
    prefix = 12;
    total = (prefix + dict.size() + 1 + kAlign - 1) / kAlign * kAlign;
  }
  const size_t hlen = total - prefix;
  std::string out(kMagic, kMagicLen);
  out += char(major);
  out += char(0);
  for (size_t i = 0; i < prefix - 8; ++i) out += char(uint8_t(hlen >> (8 * i)));
  out += dict;
  out.append(hlen - dict.size() - 1, ' ');
  out += '\n';
  out.append(a.data.begin(), a.data.end());
  return out;
}

}  // namespace loom
