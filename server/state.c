/* dhcp6txn-server: the server DUID, kept in a state file so it survives restarts (clients
 * identify their server by it: a new DUID would make every Renew fail).
 * SPDX-License-Identifier: BSD-2-Clause */
#include "server.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* DUID-LLT time: seconds since 2000-01-01 00:00 UTC, modulo 2^32. */
#define DUID_EPOCH 946684800

int d6s_server_duid(struct d6s_server *s, const uint8_t *mac, size_t maclen, char *err,
                    size_t errcap)
{
    const char *path = s->cfg.state_file;
    if (path[0]) {
        FILE *f = fopen(path, "r");
        if (f) {
            char line[512];
            int ok = 0;
            while (!ok && fgets(line, sizeof line, f)) {
                if (strncmp(line, "server-duid ", 12)) continue;
                line[strcspn(line, "\r\n")] = 0;
                uint16_t type;
                ok = !d6s_parse_hex(line + 12, s->duid, sizeof s->duid, &s->duid_len) &&
                     s->duid_len >= 3 &&
                     d6t_duid_parse(s->duid, s->duid_len, &type, NULL, NULL, NULL, NULL, NULL) ==
                         D6T_OK;
            }
            fclose(f);
            if (ok) return 0;
            snprintf(err, errcap, "%s: no valid 'server-duid HEX' line", path);
            return -1;
        }
        if (errno != ENOENT) {
            snprintf(err, errcap, "%s: %s", path, strerror(errno));
            return -1;
        }
    }
    uint8_t *d = s->duid;
    if (s->cfg.enterprise || !maclen) {
        /* DUID-EN: enterprise number + an identifier unique to this installation */
        uint32_t en =
            s->cfg.enterprise ? s->cfg.enterprise : 32473; /* RFC 5612 documentation number */
        d[0] = 0, d[1] = 2;
        d[2] = (uint8_t)(en >> 24), d[3] = (uint8_t)(en >> 16), d[4] = (uint8_t)(en >> 8),
        d[5] = (uint8_t)en;
        uint64_t r = (uint64_t)time(NULL) * 6364136223846793005ull ^ (uint64_t)clock() ^
                     (uint64_t)(uintptr_t)&r;
        FILE *u = fopen("/dev/urandom", "rb");
        if (u) {
            if (fread(&r, sizeof r, 1, u) != 1) r ^= 0x9e3779b97f4a7c15ull;
            fclose(u);
        }
        memcpy(d + 6, &r, 8);
        s->duid_len = 14;
    } else {
        uint32_t t = (uint32_t)((uint64_t)time(NULL) - DUID_EPOCH);
        d[0] = 0, d[1] = 1, d[2] = 0, d[3] = 1; /* DUID-LLT, Ethernet */
        d[4] = (uint8_t)(t >> 24), d[5] = (uint8_t)(t >> 16), d[6] = (uint8_t)(t >> 8),
        d[7] = (uint8_t)t;
        if (maclen > 20) maclen = 20;
        memcpy(d + 8, mac, maclen);
        s->duid_len = 8 + maclen;
    }
    if (path[0]) {
        char hex[2 * D6S_DUID_MAX + 1], text[400];
        d6s_hex(s->duid, s->duid_len, hex);
        int n = snprintf(text, sizeof text,
                         "# dhcp6txn-server state: keep this file, clients know the server by "
                         "it\nserver-duid %s\n",
                         hex);
        if (d6s_write_file_atomic(path, text, (size_t)n)) {
            snprintf(err, errcap, "cannot write state file %s: %s", path, strerror(errno));
            return -1;
        }
    }
    return 0;
}
