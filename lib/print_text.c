/* Text printing - placeholder while the real implementation is written. */
#include "internal.h"
size_t d6t_msg_to_text(const d6t_msg *m, char *out, size_t cap) { (void)m; if (cap) out[0] = 0; return 0; }
size_t d6t_opt_to_text(const d6t_opt *o, char *out, size_t cap) { (void)o; if (cap) out[0] = 0; return 0; }
