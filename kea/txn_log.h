// libdhcp6txn Kea hook - the transaction log: one JSON line per transaction, appended to a
// stdio buffer and written out when the buffer fills or a second has passed; the file is
// rotated by size. Kea's packet threads share one log, so every call takes its mutex.
// SPDX-License-Identifier: BSD-2-Clause
#ifndef D6T_KEA_TXN_LOG_H
#define D6T_KEA_TXN_LOG_H

#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>
#include <vector>

namespace d6t_kea {

class TxnLog {
public:
    // 'max_bytes': the size at which the file is rotated; 'keep': rotated files kept
    // (path.1 newest .. path.keep oldest; 0: the file is truncated instead).
    TxnLog(const std::string &path, size_t max_bytes, unsigned keep);
    ~TxnLog();
    TxnLog(const TxnLog &) = delete;
    TxnLog &operator=(const TxnLog &) = delete;

    // Opens (appending) the file; false with errno set when it cannot be opened.
    bool open();
    // Appends one line (the newline is added). False when the write failed; the line is lost
    // then, never retried on the packet path.
    bool append(const std::string &line);
    void flush();
    const std::string &path() const
    {
        return path_;
    }

private:
    void rotate();

    std::string path_;
    size_t max_bytes_;
    unsigned keep_;
    std::FILE *file_ = nullptr;
    size_t size_ = 0; // bytes in the current file, buffered ones included
    std::time_t last_flush_ = 0;
    std::vector<char> buffer_;
    std::mutex mutex_;
};

} // namespace d6t_kea

#endif
