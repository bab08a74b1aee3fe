// The .npy reader and writer (loom/npy.h): round trips of every dtype and
// shape, the exact bytes numpy.save writes, and every malformed file rejected
// with its message.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "loom/npy.h"

namespace loom {
namespace {

// A file with a given header dict and data, as numpy.save lays it out
// (version 1.0 unless told).
std::string npy_file(const std::string& dict, const std::string& data, int major = 1,
                     int minor = 0) {
  const size_t prefix = major == 1 ? 10 : 12;
  std::string header = dict;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string f = "\x93NUMPY";
  f += char(major);
  f += char(minor);
  const size_t n = header.size();
  f += char(n & 0xff);
  f += char((n >> 8) & 0xff);
  if (major != 1) {
    f += char((n >> 16) & 0xff);
    f += char((n >> 24) & 0xff);
  }
  return f + header + data;
}

// The message of the NpyError npy_parse throws ("" if it does not throw).
std::string parse_error(const std::string& bytes) {
  try {
    npy_parse(bytes);
  } catch (const NpyError& e) {
    return e.what();
  }
  return "";
}

TEST(Npy, WritesWhatNumpySaveWrites) {
  // numpy.save(f, np.arange(6, dtype=np.int32).reshape(2, 3)): 128 bytes of
  // header, then the little-endian data.
  const NpyArray a = npy_from_int32({2, 3}, {0, 1, 2, 3, 4, -1});
  const std::string f = npy_serialize(a);
  const std::string dict = "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }";
  ASSERT_EQ(f.size(), 128u + 24u);
  EXPECT_EQ(f.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  EXPECT_EQ(uint8_t(f[8]) | (uint8_t(f[9]) << 8), 118);  // header length
  EXPECT_EQ(f.substr(10, dict.size()), dict);
  EXPECT_EQ(f[127], '\n');
  EXPECT_EQ(f.substr(10 + dict.size(), 117 - dict.size()), std::string(117 - dict.size(), ' '));
  EXPECT_EQ(f.substr(128, 4), std::string("\0\0\0\0", 4));
  EXPECT_EQ(f.substr(128 + 20, 4), std::string("\xff\xff\xff\xff", 4));
  EXPECT_EQ(f, npy_file(dict, f.substr(128)));

  // 1-D shapes are written "(N,)", 0-d "()".
  EXPECT_NE(npy_serialize(npy_from_int8({5}, std::vector<int8_t>(5))).find("'shape': (5,), }"),
            std::string::npos);
  EXPECT_NE(npy_serialize(npy_from_uint8({}, {7})).find("'shape': (), }"), std::string::npos);
}

TEST(Npy, RoundTripEveryDtypeAndShape) {
  std::mt19937_64 rng(42);
  const std::vector<std::vector<uint64_t>> shapes = {
      {}, {0}, {1}, {7}, {3, 5}, {1, 1}, {0, 4}, {2, 3, 4}, {2, 1, 3, 1}, {256, 255}};
  for (const NpyDtype t : {NpyDtype::kInt8, NpyDtype::kUint8, NpyDtype::kInt32, NpyDtype::kInt64}) {
    for (const auto& shape : shapes) {
      NpyArray a;
      a.dtype = t;
      a.shape = shape;
      a.data.resize(a.count() * npy_itemsize(t));
      for (auto& x : a.data) x = uint8_t(rng());
      const std::string f = npy_serialize(a);
      EXPECT_EQ((f.size() - a.data.size()) % 64, 0u);
      const NpyArray b = npy_parse(f);
      EXPECT_EQ(b.dtype, t) << npy_dtype_name(t);
      EXPECT_EQ(b.shape, shape) << a.shape_str();
      EXPECT_EQ(b.data, a.data) << a.shape_str();
    }
  }
  const std::vector<int32_t> v = {INT32_MIN, -1, 0, 1, INT32_MAX, 123456789};
  EXPECT_EQ(npy_parse(npy_serialize(npy_from_int32({6}, v))).as_int32(), v);
  const std::vector<int8_t> w = {-128, -1, 0, 1, 127};
  EXPECT_EQ(npy_parse(npy_serialize(npy_from_int8({5}, w))).as_int8(), w);
}

TEST(Npy, LongHeadersAndVersions2And3) {
  NpyArray a;
  a.dtype = NpyDtype::kUint8;
  a.shape.assign(32, 1);  // 32 dimensions: still a short header
  a.data = {9};
  EXPECT_EQ(npy_parse(npy_serialize(a)).shape.size(), 32u);

  // A header longer than 65535 bytes needs version 2.0: a dict padded with
  // whitespace inside it is legal and must be read.
  std::string dict =
      "{'descr': '|u1', 'fortran_order': False," + std::string(70000, ' ') + "'shape': (2,), }";
  const std::string f = npy_file(dict, "\x01\x02", 2);
  const NpyArray b = npy_parse(f);
  EXPECT_EQ(b.shape, (std::vector<uint64_t>{2}));
  EXPECT_EQ(b.data, (std::vector<uint8_t>{1, 2}));
  EXPECT_EQ(npy_parse(npy_file(dict, "\x01\x02", 3)).data.size(), 2u);
}

TEST(Npy, AcceptsTheHeaderVariantsNumpyAccepts) {
  const std::string d4 = std::string(4, '\x05');
  // Key order, double quotes, no trailing comma, '<i1' / 'i1' for int8,
  // Python 2 long dimensions.
  EXPECT_EQ(
      npy_parse(npy_file("{'shape': (2, 2), 'fortran_order': False, 'descr': '|i1'}", d4)).shape,
      (std::vector<uint64_t>{2, 2}));
  EXPECT_EQ(
      npy_parse(npy_file(R"({"descr": "<i1", "fortran_order": False, "shape": (4,)})", d4)).dtype,
      NpyDtype::kInt8);
  EXPECT_EQ(npy_parse(npy_file("{'descr':'i1','fortran_order':False,'shape':(2L,2L),}", d4)).dtype,
            NpyDtype::kInt8);
  EXPECT_EQ(
      npy_parse(npy_file("{'descr': '<u1', 'fortran_order': False, 'shape': (4,), }", d4)).dtype,
      NpyDtype::kUint8);
  EXPECT_EQ(npy_parse(npy_file("{'descr': '<i8', 'fortran_order': False, 'shape': (), }",
                               std::string(8, '\0')))
                .dtype,
            NpyDtype::kInt64);
}

struct BadCase {
  const char* name;
  std::string bytes;
  const char* message;  // part of the error
};

TEST(Npy, RejectsEveryMalformedFile) {
  const std::string ok_dict = "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }";
  const std::string d24(24, '\0');
  const std::string good = npy_file(ok_dict, d24);
  ASSERT_EQ(parse_error(good), "");
  std::string bad_len = good;  // header length beyond the end of the file
  bad_len[8] = '\xff';
  bad_len[9] = '\x7f';

  const BadCase cases[] = {
      {"empty file", "", "no \\x93NUMPY magic"},
      {"bad magic", "\x93NUMPZ" + good.substr(6), "no \\x93NUMPY magic"},
      {"text file", "hello, world\n", "no \\x93NUMPY magic"},
      {"magic only", "\x93NUMPY", "no version"},
      {"version 4.0", std::string("\x93NUMPY\x04\x00", 8) + good.substr(8), "version 4.0"},
      {"version 0.0", std::string("\x93NUMPY\x00\x00", 8) + good.substr(8), "version 0.0"},
      {"version 1.1", std::string("\x93NUMPY\x01\x01", 8) + good.substr(8), "version 1.1"},
      {"no header length", std::string("\x93NUMPY\x01\x00\x10", 9), "no header length"},
      {"header truncated", good.substr(0, 60), "truncated .npy header"},
      {"header length too big", bad_len, "truncated .npy header"},
      {"header not a dict", npy_file("['descr', '<i4']", d24), "header is not a dict"},
      {"header empty", npy_file("", d24), "header is not a dict"},
      {"missing descr", npy_file("{'fortran_order': False, 'shape': (2, 3), }", d24),
       "lacks the key 'descr'"},
      {"missing fortran_order", npy_file("{'descr': '<i4', 'shape': (2, 3), }", d24),
       "lacks the key 'fortran_order'"},
      {"missing shape", npy_file("{'descr': '<i4', 'fortran_order': False, }", d24),
       "lacks the key 'shape'"},
      {"extra key",
       npy_file("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}", d24),
       "unexpected key 'x'"},
      {"duplicate key",
       npy_file("{'descr': '<i4', 'descr': '<i4', 'fortran_order': False, 'shape': (2, 3)}", d24),
       "duplicate key 'descr'"},
      {"unquoted key", npy_file("{descr: '<i4', 'fortran_order': False, 'shape': (2, 3)}", d24),
       "quoted string"},
      {"unterminated string", npy_file("{'descr: '<i4'", d24), "':' expected"},
      {"unclosed dict", npy_file("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3)", d24),
       "',' or '}' expected"},
      {"text after dict", npy_file(ok_dict + " x", d24), "unexpected text after the dict"},
      {"float dtype", npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", d24),
       "dtype '<f4' is not supported"},
      {"int16 dtype", npy_file("{'descr': '<i2', 'fortran_order': False, 'shape': (3, 4), }", d24),
       "dtype '<i2' is not supported"},
      {"big-endian", npy_file("{'descr': '>i4', 'fortran_order': False, 'shape': (2, 3), }", d24),
       "big-endian"},
      {"structured dtype",
       npy_file("{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (2, 3), }", d24),
       "descr must be a quoted string"},
      {"fortran order", npy_file("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }", d24),
       "fortran_order is True"},
      {"fortran order not a bool",
       npy_file("{'descr': '<i4', 'fortran_order': 0, 'shape': (2, 3), }", d24),
       "must be True or False"},
      {"shape a list", npy_file("{'descr': '<i4', 'fortran_order': False, 'shape': [2, 3], }", d24),
       "shape must be a tuple"},
      {"shape (N) not a tuple",
       npy_file("{'descr': '<i4', 'fortran_order': False, 'shape': (6), }", d24), "not a tuple"},
      {"negative dimension",
       npy_file("{'descr': '<i4', 'fortran_order': False, 'shape': (-2, 3), }", d24),
       "non-negative integers"},
      {"dimension not an integer",
       npy_file("{'descr': '<i4', 'fortran_order': False, 'shape': (2.5, 3), }", d24),
       "',' expected between"},
      {"dimension beyond 64 bits",
       npy_file("{'descr': '<i4', 'fortran_order': False, 'shape': (99999999999999999999,), }",
                d24),
       "dimension too large"},
      {"shape product overflows",
       npy_file("{'descr': '<i4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }",
                d24),
       "is too large"},
      {"bytes overflow",
       npy_file("{'descr': '<i4', 'fortran_order': False, 'shape': (4611686018427387905,), }", d24),
       "is too large"},
      {"truncated data", good.substr(0, good.size() - 1), "truncated data"},
      {"no data", good.substr(0, good.size() - 24), "needs 24 data bytes, the file has 0"},
      {"trailing data", good + "x", "data size mismatch"},
      {"shape/data mismatch",
       npy_file("{'descr': '<i4', 'fortran_order': False, 'shape': (3, 3), }", d24),
       "shape [3, 3] of int32 needs 36 data bytes, the file has 24"},
  };
  for (const BadCase& c : cases) {
    const std::string m = parse_error(c.bytes);
    EXPECT_NE(m, "") << c.name << ": accepted";
    EXPECT_NE(m.find(c.message), std::string::npos) << c.name << ": " << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << c.name << ": " << m;
  }
}

TEST(Npy, GarbageNeverCrashes) {
  // Random bytes after a valid prefix, and every truncation of a good file:
  // always an NpyError or an array, never anything else.
  const std::string good = npy_serialize(npy_from_int8({3, 4}, std::vector<int8_t>(12, 1)));
  for (size_t n = 0; n < good.size(); ++n) EXPECT_NE(parse_error(good.substr(0, n)), "") << n;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string f = good;
    const int flips = 1 + int(rng() % 4);
    for (int j = 0; j < flips; ++j) f[rng() % f.size()] = char(rng());
    try {
      const NpyArray a = npy_parse(f);
      EXPECT_EQ(a.data.size(), a.count() * npy_itemsize(a.dtype));
    } catch (const NpyError&) {
    }
  }
}

TEST(Npy, TypedAccessChecksTheDtype) {
  const NpyArray a = npy_from_int32({1}, {5});
  EXPECT_THROW(a.as_int8(), NpyError);
  const NpyArray b = npy_from_int8({1}, {5});
  EXPECT_THROW(b.as_int32(), NpyError);
  EXPECT_THROW(npy_from_int8({2, 2}, {1, 2, 3}), std::invalid_argument);
}

}  // namespace
}  // namespace loom
