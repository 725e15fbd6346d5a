/* JSON printing - placeholder while the real implementation is written. */
#include "internal.h"
size_t d6t_msg_to_json(const d6t_msg *m, char *out, size_t cap) { (void)m; if (cap) out[0] = 0; return 0; }
size_t d6t_opt_to_json(const d6t_opt *o, char *out, size_t cap) { (void)o; if (cap) out[0] = 0; return 0; }
size_t d6t_duid_to_json(const uint8_t *d, size_t len, char *out, size_t cap) { (void)d; (void)len; if (cap) out[0] = 0; return 0; }
