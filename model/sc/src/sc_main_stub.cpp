// Debian's libsystemc.so defines main(), which calls sc_main(); an executable
// that links it needs an sc_main symbol even when it has its own main()
// (GoogleTest). This placeholder satisfies the linker. It runs only if the
// executable has no main() of its own, which is a build mistake.
#include <cstdio>
#include <cstdlib>
#include <systemc>

int sc_main(int /*argc*/, char* /*argv*/[]) {
  std::fputs(
      "loom_model_sc: libsystemc's main() called Loom's placeholder sc_main(). This executable "
      "has no main() of its own (or libsystemc.so's main() was linked ahead of it); define main() "
      "in the executable's own sources and call loom::run_systemc_model().\n",
      stderr);
  std::abort();
}
