/* The few pieces both daemons built on the library (server/, relay/) share. Not part of the
 * library: the library has no signal handlers and no global state; a daemon is one process.
 * SPDX-License-Identifier: BSD-2-Clause */
#ifndef D6D_DAEMON_H
#define D6D_DAEMON_H

#include <signal.h>
#include <stddef.h>

/* Set by SIGTERM or SIGINT (stop) and by SIGUSR1 (log the counters); the daemon's loop clears
 * d6d_dump when it has logged. */
extern volatile sig_atomic_t d6d_stop, d6d_dump;

/* Installs the handlers for SIGTERM, SIGINT and SIGUSR1, ignores SIGPIPE (a peer that closes a
 * TCP connection must not end the daemon), and blocks the three: they are let in only inside
 * ppoll() with *waiting, so one that arrives while a batch is being handled is seen when ppoll
 * is entered, not a whole poll timeout later. */
void d6d_signals_init(sigset_t *waiting);

/* A config or command-line error in err[cap]: "line N: " and the message (no line prefix when
 * line <= 0). Returns -1, so that a parser can `return d6d_config_error(...)`. */
int d6d_config_error(char *err, size_t cap, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
