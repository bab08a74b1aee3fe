// File input and output of the `loom` command line: whole files in, whole
// files out, every failure a CliError naming the file.
#pragma once

#include <string>

namespace loom::cli {

// The whole file. Throws CliError (kExitInput) "PATH: error: cannot read:
// REASON" if it does not exist, is a directory or cannot be read.
std::string read_file(const std::string& path);

// Writes `data` to `path` so that `path` is either left as it was or holds
// all of `data`: the bytes go to a temporary file in the same directory,
// which is flushed to disk and renamed over `path` (an atomic replace on
// POSIX file systems); on any failure the temporary file is removed.
// A replaced file keeps its permissions, a new one gets 0666 minus the
// umask; a symbolic link keeps pointing to the (replaced) file; a device or
// a pipe (/dev/null, a FIFO) is written directly. Throws CliError
// (kExitInput) "PATH: error: cannot write: REASON".
void write_file_atomic(const std::string& path, const std::string& data);

// Writes `data` to stdout and flushes it; throws CliError (kExitInput) if
// that fails (a closed pipe, a full disk).
void write_stdout(const std::string& data);

}  // namespace loom::cli
