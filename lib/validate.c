/* Validation - placeholder while the real implementation is written (see issue 2). */
#include "internal.h"

d6t_status d6t_msg_validate(const d6t_msg *m, d6t_violation_fn fn, void *ctx, size_t *count)
{
    (void)fn; (void)ctx;
    if (count) *count = 0;
    return m ? D6T_OK : D6T_ERR_INVALID_ARG;
}

d6t_status d6t_opt_validate(const d6t_opt *o, d6t_violation_fn fn, void *ctx, size_t *count)
{
    (void)fn; (void)ctx;
    if (count) *count = 0;
    return o ? D6T_OK : D6T_ERR_INVALID_ARG;
}
