// The errors of the `loom` command line and its exit codes (docs/cli.md).
#pragma once

#include <stdexcept>
#include <string>

namespace loom::cli {

// Exit codes.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInput = 1;  // a bad or unreadable input, an unwritable output
inline constexpr int kExitUsage = 2;  // bad arguments (unknown option, configuration, ...)

// An error the command reports as one line on stderr and turns into an exit
// code. `what()` is the whole line without the trailing newline, already in
// its final form (e.g. "prog.s:3:7: error: unknown mnemonic 'foo'").
class CliError : public std::runtime_error {
 public:
  CliError(int exit_code, const std::string& line)
      : std::runtime_error(line), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

// "FILE: error: message", exit code kExitInput.
CliError input_error(const std::string& file, const std::string& message);

// One printable line: control characters and bytes >= 0x7f are written as
// \xNN, so a binary file given to the assembler cannot garble the terminal
// or split the message over several lines; more than 1000 characters are
// cut to 1000 and "...".
std::string printable(const std::string& s);

}  // namespace loom::cli
