// Assembler diagnostics in the compiler style: "FILE:LINE:COLUMN: error: message".
#pragma once

#include <string>

namespace loom::cli {

// Turns an assembler error (loom::assemble's "line L, column C: message",
// docs/isa.md "Assembly") into "FILE:L:C: error: message". A message
// without that prefix becomes "FILE: error: message".
std::string asm_diagnostic(const std::string& file, const std::string& what);

}  // namespace loom::cli
