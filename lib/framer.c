/* RFC 5460 TCP framing, receiving side: 2-byte big-endian length, then the message.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "bundle_internal.h"

struct d6t_framer {
    size_t max_frame;
    size_t have; /* bytes buffered: length prefix + body so far */
    int broken;
    uint8_t buf[]; /* max_frame + 2 */
};

d6t_framer *d6t_framer_new(d6t_arena *a, size_t max_frame)
{
    if (max_frame == 0 || max_frame > 65535) max_frame = 65535;
    d6t_framer *f = d6t__alloc(a, sizeof *f + max_frame + 2);
    if (!f) return NULL;
    f->max_frame = max_frame;
    f->have = 0;
    f->broken = 0;
    return f;
}

/* Bytes still wanted for the frame being assembled (0: a whole frame or an error is ready). */
static size_t wanted(const d6t_framer *f)
{
    if (f->broken) return 0;
    if (f->have < 2) return 2 - f->have;
    size_t l = d6t__get16(f->buf);
    if (l == 0 || l > f->max_frame) return 0;
    return l + 2 - f->have;
}

size_t d6t_framer_feed(d6t_framer *f, const uint8_t *data, size_t len)
{
    if (!f || !data) return 0;
    size_t took = 0;
    while (took < len) {
        size_t w = wanted(f);
        if (w == 0) break;
        size_t k = len - took < w ? len - took : w;
        memcpy(f->buf + f->have, data + took, k);
        f->have += k;
        took += k;
    }
    return took;
}

d6t_status d6t_framer_next(d6t_framer *f, const uint8_t **msg, size_t *len)
{
    if (!f || !msg || !len) return D6T_ERR_INVALID_ARG;
    if (f->broken) return D6T_ERR_OPT_LENGTH;
    if (f->have < 2) return D6T_ERR_NOT_FOUND;
    size_t l = d6t__get16(f->buf);
    if (l == 0 || l > f->max_frame) {
        f->broken = 1; /* the stream has lost its framing: nothing after this can be trusted */
        return D6T_ERR_OPT_LENGTH;
    }
    if (f->have < l + 2) return D6T_ERR_NOT_FOUND;
    *msg = f->buf + 2;
    *len = l;
    f->have = 0; /* the view stays valid until the next feed overwrites the buffer */
    return D6T_OK;
}
