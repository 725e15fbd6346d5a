// The Kea hook's transaction log (kea/txn_log.cc) on its own, without Kea: every line appended
// reaches the file in order by the time the log is destroyed; the file is rotated by size and
// only 'keep' old files stay; a write error is reported with the number of lines lost; and a
// stalled writer never makes append() wait (the packet path): past 8 MiB pending, lines are
// dropped and reported instead.
// SPDX-License-Identifier: BSD-2-Clause
#include "../txn_log.h"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace
{

int failures = 0;

#define CHECK(cond, ...)                                                    \
    do {                                                                    \
        if (!(cond)) {                                                      \
            std::fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, #cond); \
            std::fprintf(stderr, __VA_ARGS__);                              \
            std::fputc('\n', stderr);                                       \
            ++failures;                                                     \
        }                                                                   \
    } while (0)

struct Lost {
    std::atomic<size_t> lines{0};
    std::atomic<unsigned> calls{0};
    std::string last_why; // written by the writer thread, read after it has stopped
    d6t_kea::TxnLog::LostFn fn()
    {
        return [this](size_t n, const std::string &why) {
            lines += n;
            ++calls;
            last_why = why;
        };
    }
};

bool exists(const std::string &p)
{
    struct stat st;
    return stat(p.c_str(), &st) == 0;
}

std::vector<std::string> read_lines(const std::string &p, size_t *bytes = nullptr)
{
    std::ifstream f(p);
    std::stringstream ss;
    ss << f.rdbuf();
    std::string text = ss.str();
    if (bytes) *bytes = text.size();
    std::vector<std::string> lines;
    size_t at = 0;
    while (at < text.size()) {
        size_t nl = text.find('\n', at);
        if (nl == std::string::npos) {
            lines.push_back(text.substr(at) + "<no newline>");
            break;
        }
        lines.push_back(text.substr(at, nl - at));
        at = nl + 1;
    }
    return lines;
}

// Line i: its number, padded to 'len' bytes.
std::string line(size_t i, size_t len)
{
    std::string s = "{\"n\":" + std::to_string(i) + ",\"pad\":\"";
    s.append(len > s.size() + 2 ? len - s.size() - 2 : 0, 'x');
    return s + "\"}";
}

std::string tmpdir()
{
    char tmpl[] = "/tmp/d6t-txnlog-XXXXXX";
    const char *d = mkdtemp(tmpl);
    if (!d) {
        std::perror("mkdtemp");
        std::exit(1);
    }
    return d;
}

void cleanup(const std::string &dir)
{
    std::string cmd = "rm -rf '" + dir + "'";
    if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "could not remove %s\n", dir.c_str());
}

// Every line, in order, once the log is destroyed (most of them before the writer's timer).
void test_flush_at_destruction()
{
    std::string dir = tmpdir(), path = dir + "/t.jsonl";
    Lost lost;
    {
        d6t_kea::TxnLog log(path, 1 << 20, 4, lost.fn());
        CHECK(log.open(), "open: %s", std::strerror(errno));
        for (size_t i = 0; i < 500; ++i) log.append(line(i, 100));
    }
    std::vector<std::string> got = read_lines(path);
    CHECK(got.size() == 500, "%zu lines in the file, 500 appended", got.size());
    for (size_t i = 0; i < got.size() && i < 500; ++i)
        CHECK(got[i] == line(i, 100), "line %zu is '%s'", i, got[i].c_str());
    CHECK(lost.calls == 0, "%u lost report(s): %s", lost.calls.load(), lost.last_why.c_str());
    CHECK(!exists(path + ".1"), "rotated under the limit");
    cleanup(dir);
}

// Rotation: no file over max_bytes, at most 'keep' old files, and together (oldest first) they
// hold the newest lines in order; with keep 0 the one file is started again.
void test_rotation(unsigned keep)
{
    std::string dir = tmpdir(), path = dir + "/t.jsonl";
    const size_t max = 4096, len = 1000, n = 40; // 4 lines a file: 10 files' worth
    Lost lost;
    {
        d6t_kea::TxnLog log(path, max, keep, lost.fn());
        CHECK(log.open(), "open: %s", std::strerror(errno));
        for (size_t i = 0; i < n; ++i) log.append(line(i, len));
    }
    std::vector<std::string> all;
    for (unsigned k = keep; k >= 1; --k) {
        std::string p = path + "." + std::to_string(k);
        CHECK(exists(p), "keep %u: no %s", keep, p.c_str());
        size_t bytes = 0;
        std::vector<std::string> l = read_lines(p, &bytes);
        CHECK(bytes <= max, "keep %u: %s has %zu bytes, over %zu", keep, p.c_str(), bytes, max);
        CHECK(l.size() == 4, "keep %u: %s has %zu lines, want 4", keep, p.c_str(), l.size());
        all.insert(all.end(), l.begin(), l.end());
    }
    std::string past = path + "." + std::to_string(keep + 1);
    CHECK(!exists(past), "keep %u: %s exists", keep, past.c_str());
    size_t bytes = 0;
    std::vector<std::string> cur = read_lines(path, &bytes);
    CHECK(bytes <= max && !cur.empty(), "keep %u: current file %zu bytes", keep, bytes);
    all.insert(all.end(), cur.begin(), cur.end());
    CHECK(all.size() == 4 * (keep + 1), "keep %u: %zu lines in the files", keep, all.size());
    for (size_t i = 0; i < all.size(); ++i)
        CHECK(all[i] == line(n - all.size() + i, len), "keep %u: line %zu of the files: %.20s",
              keep, i, all[i].c_str());
    CHECK(lost.calls == 0, "keep %u: lost report: %s", keep, lost.last_why.c_str());
    cleanup(dir);
}

// A line longer than max_bytes gets a file of its own, and the next line starts another.
void test_long_line()
{
    std::string dir = tmpdir(), path = dir + "/t.jsonl";
    Lost lost;
    {
        d6t_kea::TxnLog log(path, 4096, 3, lost.fn());
        CHECK(log.open(), "open: %s", std::strerror(errno));
        log.append(line(0, 100));
        log.append(line(1, 10000));
        log.append(line(2, 100));
    }
    std::vector<std::string> f2 = read_lines(path + ".2"), f1 = read_lines(path + ".1"),
                             f0 = read_lines(path);
    CHECK(f2.size() == 1 && f2[0] == line(0, 100), "%s.2: %zu lines", path.c_str(), f2.size());
    CHECK(f1.size() == 1 && f1[0] == line(1, 10000), "%s.1: %zu lines", path.c_str(), f1.size());
    CHECK(f0.size() == 1 && f0[0] == line(2, 100), "%s: %zu lines", path.c_str(), f0.size());
    cleanup(dir);
}

// A failing write (a full disk) is reported with the lines it lost, from the writer.
void test_write_error()
{
    if (!exists("/dev/full")) {
        std::printf("no /dev/full: write error test skipped\n");
        return;
    }
    Lost lost;
    {
        d6t_kea::TxnLog log("/dev/full", 1 << 20, 0, lost.fn());
        CHECK(log.open(), "open /dev/full: %s", std::strerror(errno));
        for (size_t i = 0; i < 10; ++i) log.append(line(i, 100));
    }
    CHECK(lost.lines == 10, "%zu line(s) reported lost, 10 were written to /dev/full",
          lost.lines.load());
    CHECK(lost.last_why == std::strerror(ENOSPC), "reason '%s'", lost.last_why.c_str());
}

// The writer blocked (a FIFO nobody reads: a stalled disk): append() still returns at once;
// lines past 8 MiB pending are dropped and reported; what was not dropped arrives, in order.
void test_stalled_writer()
{
    std::string dir = tmpdir(), path = dir + "/fifo";
    if (mkfifo(path.c_str(), 0600) != 0) {
        std::perror("mkfifo");
        ++failures;
        return;
    }
    int rd = open(path.c_str(), O_RDONLY | O_NONBLOCK); // so that the writer's open returns
    CHECK(rd >= 0, "open fifo: %s", std::strerror(errno));
    const size_t n = 12000, len = 1000; // 12 MB: more than the 8 MiB the log may hold
    Lost lost;
    std::string received;
    auto log = std::make_unique<d6t_kea::TxnLog>(path, size_t(1) << 40, 0, lost.fn());
    CHECK(log->open(), "open: %s", std::strerror(errno));
    // if append() waited for the writer, nothing would read the FIFO for 10 s: the reader
    // starts when the appends are done, or after 10 s (then the check on their time fails)
    std::atomic<bool> appended{false};
    std::thread reader([&] {
        for (int i = 0; i < 1000 && !appended; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        fcntl(rd, F_SETFL, fcntl(rd, F_GETFL) & ~O_NONBLOCK);
        char buf[65536];
        for (;;) { // until the writer closes its end, when the log is destroyed
            ssize_t r = read(rd, buf, sizeof buf);
            if (r <= 0) break;
            received.append(buf, static_cast<size_t>(r));
        }
    });
    auto t0 = std::chrono::steady_clock::now();
    for (size_t i = 0; i < n; ++i) log->append(line(i, len));
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    appended = true;
    CHECK(s < 3.0, "%zu appends took %.2f s with the writer blocked", n, s);
    log.reset();
    reader.join();
    if (rd >= 0) close(rd);
    size_t got = 0, next = 0;
    bool in_order = true;
    for (size_t at = 0; at < received.size();) {
        size_t nl = received.find('\n', at);
        if (nl == std::string::npos) break;
        std::string l = received.substr(at, nl - at);
        // the lines that arrive are a prefix: the newest ones are those dropped
        if (l != line(next, len)) in_order = false;
        ++next;
        ++got;
        at = nl + 1;
    }
    CHECK(in_order, "the lines read from the FIFO are not lines 0.. in order");
    CHECK(got < n, "all %zu lines arrived: nothing was dropped past 8 MiB", got);
    CHECK(got * (len + 1) >= (size_t(8) << 20) - (len + 1),
          "only %zu lines arrived, the log should hold 8 MiB", got);
    CHECK(got + lost.lines == n, "%zu read + %zu reported lost != %zu appended", got,
          lost.lines.load(), n);
    CHECK(lost.last_why.find("fell behind") != std::string::npos, "reason '%s'",
          lost.last_why.c_str());
    cleanup(dir);
}

} // namespace

int main()
{
    test_flush_at_destruction();
    test_rotation(0);
    test_rotation(1);
    test_rotation(3);
    test_long_line();
    test_write_error();
    test_stalled_writer();
    if (failures) {
        std::fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    std::printf("transaction log: flush, rotation (keep 0, 1, 3), long line, write error, "
                "stalled writer: ok\n");
    return 0;
}
