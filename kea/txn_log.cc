// libdhcp6txn Kea hook - the transaction log (see txn_log.h).
// SPDX-License-Identifier: BSD-2-Clause
#include "txn_log.h"

#include <cstdio>
#include <sys/stat.h>

namespace d6t_kea {

namespace {
// Large enough that a busy server writes once per several hundred transactions.
const size_t BUFFER_BYTES = 256 * 1024;
} // namespace

TxnLog::TxnLog(const std::string &path, size_t max_bytes, unsigned keep)
    : path_(path), max_bytes_(max_bytes), keep_(keep), buffer_(BUFFER_BYTES)
{
}

TxnLog::~TxnLog()
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (file_) std::fclose(file_);
}

bool TxnLog::open()
{
    std::lock_guard<std::mutex> lock(mutex_);
    file_ = std::fopen(path_.c_str(), "a");
    if (!file_) return false;
    std::setvbuf(file_, buffer_.data(), _IOFBF, buffer_.size());
    struct stat st;
    size_ = fstat(fileno(file_), &st) == 0 ? static_cast<size_t>(st.st_size) : 0;
    last_flush_ = std::time(nullptr);
    return true;
}

bool TxnLog::append(const std::string &line)
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (!file_) return false;
    if (size_ > 0 && size_ + line.size() + 1 > max_bytes_) rotate();
    if (!file_) return false;
    bool ok = std::fwrite(line.data(), 1, line.size(), file_) == line.size() &&
              std::fputc('\n', file_) != EOF;
    size_ += line.size() + 1;
    // a quiet server's lines still reach the file within about a second
    std::time_t now = std::time(nullptr);
    if (now != last_flush_) {
        std::fflush(file_);
        last_flush_ = now;
    }
    return ok;
}

void TxnLog::flush()
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (file_) std::fflush(file_);
}

// path -> path.1 -> ... -> path.keep (the oldest is overwritten). Called with the mutex held.
void TxnLog::rotate()
{
    std::fclose(file_);
    file_ = nullptr;
    for (unsigned i = keep_; i > 1; --i) {
        std::string from = path_ + "." + std::to_string(i - 1);
        std::string to = path_ + "." + std::to_string(i);
        std::rename(from.c_str(), to.c_str());
    }
    const char *mode = "w";
    if (keep_ > 0 && std::rename(path_.c_str(), (path_ + ".1").c_str()) != 0) mode = "a";
    file_ = std::fopen(path_.c_str(), mode);
    if (!file_) return;
    std::setvbuf(file_, buffer_.data(), _IOFBF, buffer_.size());
    struct stat st;
    size_ = fstat(fileno(file_), &st) == 0 ? static_cast<size_t>(st.st_size) : 0;
}

} // namespace d6t_kea
