#include "regress_process.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace loom::regress {

void parse_result(Run& r) {
  std::ifstream in(r.log);
  std::string line, last;
  while (std::getline(in, line))
    if (line.rfind("RESULT\t", 0) == 0) last = line;
  if (last.empty()) {
    r.failure = "no result line (crashed?), see " + r.log;
    return;
  }
  std::vector<std::string> f;
  std::stringstream ss(last);
  std::string tok;
  while (std::getline(ss, tok, '\t')) f.push_back(tok);
  if (f.size() < 8) {
    r.failure = "malformed result line in " + r.log;
    return;
  }
  r.have = true;
  r.instrs = std::stoull(f[3]);
  r.cycles = std::stoull(f[4]);
  r.secs = std::stod(f[5]);
  r.compared = std::stoull(f[6]);
  r.pass = f[7] == "PASS";
  r.failure = f.size() > 8 ? f[8] : "";
}

std::vector<std::string> child_args(const std::string& self, const RunOptions& o) {
  std::vector<std::string> a{self, "--one", o.config, std::to_string(o.seed)};
  for (const std::string& x : o.run_args()) a.push_back(x);
  return a;
}

pid_t start(const std::string& self, const Run& r) {
  std::vector<std::string> args = child_args(self, r.opt);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int fd = open(r.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    std::vector<char*> argp;
    for (std::string& x : args) argp.push_back(x.data());
    argp.push_back(nullptr);
    execv(self.c_str(), argp.data());
    _exit(127);
  }
  return pid;
}

void finish(Run& r, int status) {
  parse_result(r);
  if (r.pass && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
    r.pass = false;
    r.failure = "non-zero exit";
  }
}

}  // namespace loom::regress
