#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <regex>
#include <stdexcept>
#include <thread>

namespace rt::testing {

namespace {

// fork+exec with stdout/stderr going to the given fds (or inherited when -1).
pid_t Spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env, int out_fd,
            int err_fd) {
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);  // a crashed test leaves no server behind
        if (out_fd >= 0) dup2(out_fd, STDOUT_FILENO);
        if (err_fd >= 0) dup2(err_fd, STDERR_FILENO);
        const int devnull = open("/dev/null", O_RDONLY);
        dup2(devnull, STDIN_FILENO);
        for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
    return pid;
}

int ExitCodeOf(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

void ReadAll(int fd, std::string& out) {
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
}

}  // namespace

CommandResult RunCommand(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
    int out_pipe[2];
    int err_pipe[2];
    if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
    const pid_t pid = Spawn(argv, env, out_pipe[1], err_pipe[1]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    CommandResult result;
    std::thread err_reader([&] { ReadAll(err_pipe[0], result.err); });
    ReadAll(out_pipe[0], result.out);
    err_reader.join();
    close(out_pipe[0]);
    close(err_pipe[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    result.exit_code = ExitCodeOf(status);
    return result;
}

ServerProcess::ServerProcess(const std::string& binary, const std::vector<std::string>& extra_args,
                             const std::map<std::string, std::string>& env, std::chrono::milliseconds timeout) {
    std::vector<std::string> argv{binary, "serve", "--listen", "127.0.0.1:0"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    int out_pipe[2];
    if (pipe(out_pipe) != 0) throw std::runtime_error("pipe failed");
    auto full_env = env;
    if (!full_env.contains("REFTRACK_LOG_LEVEL")) full_env["REFTRACK_LOG_LEVEL"] = "warn";
    pid_ = Spawn(argv, full_env, out_pipe[1], -1);
    close(out_pipe[1]);
    stdout_fd_ = out_pipe[0];

    const std::regex listening(R"(listening on http://127\.0\.0\.1:(\d+))");
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{stdout_fd_, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) continue;
        char buf[4096];
        const ssize_t n = read(stdout_fd_, buf, sizeof buf);
        if (n <= 0) break;  // the process exited
        startup_output_.append(buf, static_cast<std::size_t>(n));
        std::smatch m;
        if (std::regex_search(startup_output_, m, listening)) {
            port_ = std::stoi(m[1]);
            return;
        }
    }
    StopWith(SIGKILL);
    throw std::runtime_error("reftrack serve did not start; it printed: " + startup_output_);
}

int ServerProcess::StopWith(int signal, std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return -1;
    kill(pid_, signal);
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid_, SIGKILL);
            waitpid(pid_, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
    if (stdout_fd_ >= 0) close(stdout_fd_);
    stdout_fd_ = -1;
    return ExitCodeOf(status);
}

ServerProcess::~ServerProcess() { StopWith(SIGTERM); }

}  // namespace rt::testing
