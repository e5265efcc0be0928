#pragma once
// The real build/linli binary as a child process, for tests of what only a process shows:
// signals, exit codes, what it prints. Every wait is bounded; the child is killed by its pid
// when the test ends.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace linli::test {

class Process {
 public:
  // Runs `args` (args[0] is the program) with stdout and stderr into files in `dir`, in this
  // process's environment plus `env` ("NAME=value" each, e.g. an LD_PRELOAD).
  Process(const std::vector<std::string>& args, const std::string& dir,
          const std::vector<std::string>& env = {})
      : out_path_(dir + "/stdout"), err_path_(dir + "/stderr") {
    // Built before fork: the child of a threaded parent should only exec.
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      std::freopen(out_path_.c_str(), "w", stdout);
      std::freopen(err_path_.c_str(), "w", stderr);
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
  }
  ~Process() {
    if (running()) {
      ::kill(pid_, SIGKILL);
      wait_exit(std::chrono::seconds(5));
    }
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0 && !status_; }
  void signal(int sig) { ::kill(pid_, sig); }

  // The exit code (or 128 + signal), or nullopt if it is still running after `limit`.
  std::optional<int> wait_exit(std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!status_) {
      int st = 0;
      pid_t r = ::waitpid(pid_, &st, WNOHANG);
      if (r == pid_) {
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        break;
      }
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return status_;
  }

  std::string out() const { return slurp(out_path_); }
  std::string err() const { return slurp(err_path_); }

  // Waits until stderr holds the "listening" log line and returns its port, 0 on time-out.
  std::uint16_t wait_listening(std::chrono::milliseconds limit) const {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      std::string e = err();
      auto at = e.find("\"event\":\"listening\"");
      if (at != std::string::npos) {
        auto p = e.find("\"port\":", at);
        if (p != std::string::npos) return static_cast<std::uint16_t>(std::stoi(e.substr(p + 7)));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return 0;
  }

 private:
  static std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  pid_t pid_ = -1;
  std::string out_path_, err_path_;
  std::optional<int> status_;
};

}  // namespace linli::test
