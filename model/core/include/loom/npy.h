// NumPy `.npy` files (format versions 1.0, 2.0 and 3.0): a strict reader and
// a writer for the integer arrays Loom's tools exchange (docs/cli.md ".npy
// files"). C order only; the element types are int8, uint8, int32 and int64,
// little-endian. Every malformed file is an NpyError with a one-line message,
// never a crash: the reader checks the magic, the version, the header
// dictionary, the dtype, the shape (and that its size does not overflow) and
// that the data is exactly as long as the shape says.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace loom {

enum class NpyDtype : uint8_t { kInt8, kUint8, kInt32, kInt64 };

// "int8", "uint8", "int32", "int64".
const char* npy_dtype_name(NpyDtype t);
// The descr the writer uses: "|i1", "|u1", "<i4", "<i8".
const char* npy_dtype_descr(NpyDtype t);
size_t npy_itemsize(NpyDtype t);

// A malformed or unsupported .npy file; what() is one line without the file name.
class NpyError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct NpyArray {
  NpyDtype dtype = NpyDtype::kInt8;
  std::vector<uint64_t> shape;  // empty: a 0-d array (one element)
  std::vector<uint8_t> data;    // the elements in C order, little-endian

  uint64_t count() const;  // product of the shape
  // "[3, 4]"
  std::string shape_str() const;

  // The elements; throws NpyError if the dtype is not the one asked for.
  std::vector<int8_t> as_int8() const;
  std::vector<int32_t> as_int32() const;
};

// Array builders (the shape's product must equal the number of elements;
// std::invalid_argument otherwise).
NpyArray npy_from_int8(const std::vector<uint64_t>& shape, const std::vector<int8_t>& v);
NpyArray npy_from_uint8(const std::vector<uint64_t>& shape, const std::vector<uint8_t>& v);
NpyArray npy_from_int32(const std::vector<uint64_t>& shape, const std::vector<int32_t>& v);

// Parses the bytes of a .npy file. Accepted: magic "\x93NUMPY", version
// 1.0 / 2.0 / 3.0, a header that is a Python dict literal with exactly the
// keys 'descr', 'fortran_order', 'shape' (in any order, single or double
// quotes, optional trailing comma, ending in '\n'); descr one of |i1 <i1 i1
// |u1 <u1 u1 <i4 <i8 (also '=' for little-endian); fortran_order False; a
// shape tuple of non-negative integers; data of exactly count * itemsize
// bytes (trailing bytes are rejected too). Throws NpyError otherwise.
NpyArray npy_parse(const std::string& bytes);

// The bytes of a .npy file holding `a`: version 1.0 (2.0 if the header
// needs more than 65535 bytes), header padded with spaces to a multiple of
// 64 bytes and ending in '\n', as numpy.save writes it.
std::string npy_serialize(const NpyArray& a);

}  // namespace loom
