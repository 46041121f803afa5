#pragma once

#include <functional>

namespace rt::core {

// A thread that finishes many requests at once (a writer answering the requests of one commit) opens a
// Burst around their callbacks. Work those callbacks would hand to another thread one request at a time
// can instead register, once, a function that hands it all over when the burst ends (AtEnd): the HTTP
// server gathers a burst's answers so, and wakes its I/O thread once per commit rather than once per
// answer. (Woken once per answer, the I/O thread took the CPU from the writer at every answer: ~52
// involuntary context switches per commit of ~43 conversions; docs/benchmarks.md.)
// Bursts nest: the functions run when the outermost one ends, in the order they were registered, and
// may open bursts of their own. A function must not throw. Thread-local: a Burst ends on the thread
// that opened it.
class Burst {
  public:
    Burst();
    ~Burst();
    Burst(const Burst&) = delete;
    Burst& operator=(const Burst&) = delete;

    // True while a Burst is open on this thread.
    static bool Open();
    // Runs `fn` when the outermost Burst open on this thread ends. Only while one is open (Open()).
    static void AtEnd(std::function<void()> fn);
};

}  // namespace rt::core
