// libdhcp6txn Kea hook - the transaction log: one JSON line per transaction. Kea's packet
// threads only append to a memory buffer; a writer thread of the log's own writes it out (when
// 64 KiB are pending or a second has passed) and rotates the file by size, so no file I/O ever
// happens on the packet path.
// SPDX-License-Identifier: BSD-2-Clause
#ifndef D6T_KEA_TXN_LOG_H
#define D6T_KEA_TXN_LOG_H

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace d6t_kea
{

class TxnLog
{
  public:
    // Called from the writer thread when lines were lost: how many, and why (errno text, or
    // "the writer fell behind"). Never called on a packet thread.
    using LostFn = std::function<void(size_t lines, const std::string &why)>;

    // 'max_bytes': the size at which the file is rotated; 'keep': rotated files kept
    // (path.1 newest .. path.keep oldest; 0: the file is truncated instead).
    TxnLog(const std::string &path, size_t max_bytes, unsigned keep, LostFn lost);
    // Stops the writer after it has written every line appended before.
    ~TxnLog();
    TxnLog(const TxnLog &) = delete;
    TxnLog &operator=(const TxnLog &) = delete;

    // Opens (appending) the file and starts the writer; false with errno set when the file
    // cannot be opened.
    bool open();
    // Appends one line (the newline is added) to the memory buffer. When the writer is so far
    // behind that 8 MiB are pending, the line is dropped (and reported by the writer).
    void append(const std::string &line);
    const std::string &path() const
    {
        return path_;
    }

  private:
    void run();
    void write_out(const std::string &data);
    bool write_all(const char *p, size_t n);
    void rotate();

    std::string path_;
    size_t max_bytes_;
    unsigned keep_;
    LostFn lost_;
    int fd_ = -1;
    size_t size_ = 0;     // bytes in the current file (writer thread only)
    std::string pending_; // lines appended, not yet taken by the writer (under mutex_)
    size_t pending_dropped_ = 0;
    bool stop_ = false;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::thread writer_;
};

} // namespace d6t_kea

#endif
