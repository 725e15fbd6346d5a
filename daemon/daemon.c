/* SPDX-License-Identifier: BSD-2-Clause */
#include "daemon.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

volatile sig_atomic_t d6d_stop, d6d_dump;

static void on_signal(int sig)
{
    if (sig == SIGUSR1)
        d6d_dump = 1;
    else
        d6d_stop = 1;
}

void d6d_signals_init(sigset_t *waiting)
{
    static const int handled[] = {SIGTERM, SIGINT, SIGUSR1};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigset_t block;
    sigemptyset(&block);
    for (size_t i = 0; i < sizeof handled / sizeof handled[0]; i++) {
        sigaction(handled[i], &sa, NULL);
        sigaddset(&block, handled[i]);
    }
    signal(SIGPIPE, SIG_IGN);
    sigprocmask(SIG_BLOCK, &block, waiting);
    for (size_t i = 0; i < sizeof handled / sizeof handled[0]; i++) sigdelset(waiting, handled[i]);
}

int d6d_config_error(char *err, size_t cap, int line, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0)
        snprintf(err, cap, "line %d: %s", line, msg);
    else
        snprintf(err, cap, "%s", msg);
    return -1;
}
