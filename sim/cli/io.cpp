// File input and output of the `loom` command line.
#include "io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "error.h"

namespace loom::cli {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

// Closes a file descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now, reporting the error close() returns (NFS reports late
  // write errors there).
  int close_now() {
    const int r = ::close(fd_);
    fd_ = -1;
    return r;
  }

 private:
  int fd_;
};

bool write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= size_t(w);
  }
  return true;
}

}  // namespace

std::string read_file(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) throw input_error(path, "cannot read: " + errno_text(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw input_error(path, "cannot read: " + errno_text(errno));
  if (S_ISDIR(st.st_mode)) throw input_error(path, "cannot read: is a directory");
  std::string data;
  if (S_ISREG(st.st_mode)) data.reserve(size_t(st.st_size));
  std::vector<char> buf(1 << 16);
  for (;;) {
    const ssize_t r = ::read(fd.get(), buf.data(), buf.size());
    if (r < 0) {
      if (errno == EINTR) continue;
      throw input_error(path, "cannot read: " + errno_text(errno));
    }
    if (r == 0) break;
    data.append(buf.data(), size_t(r));
  }
  return data;
}

void write_file_atomic(const std::string& path_in, const std::string& data) {
  // A symbolic link stays a link: the file it points to is replaced.
  std::string path = path_in;
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    if (char* real = ::realpath(path.c_str(), nullptr)) {
      path = real;
      std::free(real);
    }
  }
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) throw input_error(path_in, "cannot write: is a directory");
  if (exists && !S_ISREG(st.st_mode)) {
    // A device or a pipe (/dev/null, /dev/stdout, a FIFO): nothing to
    // replace, write straight into it.
    Fd fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
    if (fd.get() < 0 || !write_all(fd.get(), data.data(), data.size()) || fd.close_now() != 0)
      throw input_error(path_in, "cannot write: " + errno_text(errno));
    return;
  }

  std::string tmp = path + ".tmp.XXXXXX";
  std::vector<char> name(tmp.begin(), tmp.end());
  name.push_back('\0');
  Fd fd(::mkstemp(name.data()));
  if (fd.get() < 0) throw input_error(path_in, "cannot write: " + errno_text(errno));
  tmp = name.data();
  auto fail = [&](int err) {
    ::unlink(tmp.c_str());
    return input_error(path_in, "cannot write: " + errno_text(err));
  };
  // mkstemp() creates the file 0600: keep the mode of the file being
  // replaced, or give a new one what open(O_CREAT, 0666) would.
  mode_t mode = st.st_mode & 07777;
  if (!exists) {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    mode = 0666 & ~mask;
  }
  if (::fchmod(fd.get(), mode) != 0) throw fail(errno);
  if (!write_all(fd.get(), data.data(), data.size())) throw fail(errno);
  if (::fsync(fd.get()) != 0) throw fail(errno);
  if (fd.close_now() != 0) throw fail(errno);
  if (::rename(tmp.c_str(), path.c_str()) != 0) throw fail(errno);
}

void write_stdout(const std::string& data) {
  if (std::fwrite(data.data(), 1, data.size(), stdout) != data.size() || std::fflush(stdout) != 0)
    throw input_error("<stdout>", "cannot write: " + errno_text(errno));
}

}  // namespace loom::cli
