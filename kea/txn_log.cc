// libdhcp6txn Kea hook - the transaction log (see txn_log.h).
// SPDX-License-Identifier: BSD-2-Clause
#include "txn_log.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace d6t_kea
{

namespace
{
const size_t WRITE_BYTES = 64 * 1024;         // wake the writer at this much pending
const size_t MAX_PENDING = 8 * 1024 * 1024;   // beyond this, lines are dropped, not queued
const std::chrono::seconds WRITE_INTERVAL(1); // a quiet server's lines still reach the file

int open_append(const std::string &path, int extra)
{
    return ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | extra, 0640);
}

size_t count_lines(const char *p, size_t n)
{
    size_t lines = 0;
    for (const char *q = p; q < p + n; ++q) lines += *q == '\n';
    return lines;
}

size_t file_size(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 ? static_cast<size_t>(st.st_size) : 0;
}
} // namespace

TxnLog::TxnLog(const std::string &path, size_t max_bytes, unsigned keep, LostFn lost)
    : path_(path), max_bytes_(max_bytes), keep_(keep), lost_(std::move(lost))
{
}

TxnLog::~TxnLog()
{
    if (writer_.joinable()) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stop_ = true;
        }
        wake_.notify_one();
        writer_.join();
    }
    if (fd_ >= 0) ::close(fd_);
}

bool TxnLog::open()
{
    fd_ = open_append(path_, 0);
    if (fd_ < 0) return false;
    size_ = file_size(fd_);
    pending_.reserve(WRITE_BYTES * 2);
    writer_ = std::thread(&TxnLog::run, this);
    return true;
}

void TxnLog::append(const std::string &line)
{
    bool wake;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (pending_.size() + line.size() + 1 > MAX_PENDING) {
            ++pending_dropped_;
            return;
        }
        pending_ += line;
        pending_ += '\n';
        wake = pending_.size() >= WRITE_BYTES;
    }
    if (wake) wake_.notify_one();
}

// The writer: takes everything pending at once (the packet threads refill an empty buffer
// meanwhile) and writes it out with the mutex released.
void TxnLog::run()
{
    std::string batch;
    batch.reserve(WRITE_BYTES * 2);
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        wake_.wait_for(lock, WRITE_INTERVAL,
                       [this] { return stop_ || pending_.size() >= WRITE_BYTES; });
        size_t dropped = pending_dropped_;
        pending_dropped_ = 0;
        batch.swap(pending_);
        bool stopping = stop_;
        lock.unlock();
        if (dropped) lost_(dropped, "the writer fell behind (8 MiB pending)");
        if (!batch.empty()) write_out(batch);
        batch.clear();
        if (stopping) return;
        lock.lock();
    }
}

// Writes whole lines, rotating before a line that would take the file past max_bytes_.
void TxnLog::write_out(const std::string &data)
{
    if (fd_ < 0) { // a reopen after rotation failed: try again
        fd_ = open_append(path_, 0);
        if (fd_ < 0) {
            lost_(count_lines(data.data(), data.size()), std::strerror(errno));
            return;
        }
        size_ = file_size(fd_);
    }
    size_t start = 0, end = 0;
    while (end < data.size()) {
        size_t nl = data.find('\n', end);
        size_t next = nl == std::string::npos ? data.size() : nl + 1;
        size_t chunk = end - start;
        if (size_ + chunk > 0 && size_ + chunk + (next - end) > max_bytes_) {
            if (!write_all(data.data() + start, chunk)) return;
            start = end;
            rotate();
        }
        end = next;
    }
    write_all(data.data() + start, end - start);
}

bool TxnLog::write_all(const char *p, size_t n)
{
    while (n > 0 && fd_ >= 0) {
        ssize_t w = ::write(fd_, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            lost_(count_lines(p, n), std::strerror(w < 0 ? errno : EIO));
            return false;
        }
        p += w;
        n -= static_cast<size_t>(w);
        size_ += static_cast<size_t>(w);
    }
    return fd_ >= 0;
}

// path -> path.1 -> ... -> path.keep (the oldest is overwritten). Writer thread only.
void TxnLog::rotate()
{
    ::close(fd_);
    for (unsigned i = keep_; i > 1; --i) {
        std::string from = path_ + "." + std::to_string(i - 1);
        std::string to = path_ + "." + std::to_string(i);
        std::rename(from.c_str(), to.c_str());
    }
    int extra = O_TRUNC;
    if (keep_ > 0 && std::rename(path_.c_str(), (path_ + ".1").c_str()) != 0) extra = 0;
    fd_ = open_append(path_, extra);
    if (fd_ < 0) {
        lost_(0, std::string("cannot reopen after rotation: ") + std::strerror(errno));
        return;
    }
    size_ = file_size(fd_);
}

} // namespace d6t_kea
