# Where the server's one CPU goes while its commits' flushes complete (scripts/bench with BENCH_SCHED=1;
# docs/benchmarks.md, "The idle CPU while a batch's flush completes"). Reads, twice (awk -f flush_idle.awk F F),
# the output of `perf script -F tid,time,event,trace` for sched:sched_switch and the fdatasync and
# epoll_wait (or epoll_pwait) syscall tracepoints, recorded on that one CPU. The writer is the thread with the
# most fdatasync calls on one file (the WAL), the I/O thread the one with the most epoll calls. Prints what
# ran on the CPU (the I/O thread, the writer, other threads, or nothing) from the first switch on, then the
# writer's flushes in two groups: those during which the I/O thread ran under 20 µs, and the others, with
# the time of each split by what ran meanwhile. Which commits fall in which group is not recorded: in the
# redirect, the first group's rate is the click batches' (docs/benchmarks.md).
function who(pid) { return pid == 0 ? "idle" : pid == io ? "io" : pid == writer ? "writer" : "other" }
NR == FNR {
    if ($3 == "syscalls:sys_enter_fdatasync:") { syncs[$1 " " $5]++ }
    else if ($3 == "syscalls:sys_enter_epoll_wait:" || $3 == "syscalls:sys_enter_epoll_pwait:") { polls[$1]++ }
    next
}
FNR == 1 {
    for (k in syncs) if (syncs[k] > most) { most = syncs[k]; split(k, parts, " "); writer = parts[1]; wal_fd = parts[2] }
    most = 0
    for (t in polls) if (polls[t] > most) { most = polls[t]; io = t }
    if (io == "") print "flush_idle: no epoll calls: the I/O thread's time is counted as other threads'" > "/dev/stderr"
}
{
    t = $2 + 0
    if (on != "") {  # from the first switch on, when what runs is known
        spent[on] += t - last
        if (in_sync) during[on] += t - last
    }
    last = t
    if ($3 == "sched:sched_switch:") {
        if (on == "") first = t
        for (i = 4; i <= NF; i++) if ($i ~ /^next_pid=/) { split($i, kv, "="); on = who(kv[2]) }
    } else if ($3 == "syscalls:sys_enter_fdatasync:" && $1 == writer && $5 == wal_fd && on != "") {
        in_sync = 1; began = t; delete during
    } else if ($3 == "syscalls:sys_exit_fdatasync:" && $1 == writer && in_sync) {
        in_sync = 0
        g = during["io"] < 0.000020 ? "alone" : "beside"   # the I/O thread ran under 20 µs meanwhile
        n[g]++; wall[g] += t - began
        for (k in during) part[g, k] += during[k]
    }
}
END {
    window = last - first
    if (on == "" || window <= 0 || writer == "") { print "flush_idle: no switches or no fdatasync calls"; exit 1 }
    printf "  sched: %.2f s on the server's CPU:", window
    split("io writer other idle", order, " ")
    for (i = 1; i <= 4; i++) printf " %s %.1f %%", order[i], 100 * spent[order[i]] / window
    printf "\n"
    label["alone"] = "flushes with the I/O thread idle"; label["beside"] = "flushes beside the I/O thread's work"
    split("alone beside", groups, " ")
    for (j = 1; j <= 2; j++) {
        g = groups[j]
        if (!n[g]) continue
        printf "  sched: %s: %d (%.0f/s), per flush µs: wall %.0f", label[g], n[g], n[g] / window, 1e6 * wall[g] / n[g]
        for (i = 1; i <= 4; i++) printf " %s %.0f", order[i], 1e6 * part[g, order[i]] / n[g]
        printf "; idle %.1f %% of the window\n", 100 * part[g, "idle"] / window
    }
}
