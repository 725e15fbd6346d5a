/* Shared checks for the libFuzzer targets and their corpus replay driver.
 * SPDX-License-Identifier: BSD-2-Clause */
#ifndef D6T_FUZZ_COMMON_H
#define D6T_FUZZ_COMMON_H

#include "dhcp6txn.h"
#include "fuzz_target.h"
#include <stdio.h>
#include <stdlib.h>

/* Every property of a successfully parsed message 'm' whose wire form is data[0..len). */
void fz_check_msg(const d6t_msg *m, const uint8_t *data, size_t len);
/* Every property of an option tree (getters, printers, write); recurses into sub-options and
 * nested messages. */
void fz_check_opt(const d6t_opt *o);
/* The parse error contract for a failed parse of 'len' bytes. */
void fz_check_error(d6t_status st, const d6t_parse_error *e, size_t len);
/* Domain-name functions on arbitrary bytes. */
void fz_check_dname(const uint8_t *data, size_t len, unsigned flags);
/* Transaction-bundle properties of input that parses; h picks the flags. */
void fz_check_bundle(const uint8_t *data, size_t size, uint32_t h);
/* Minimal strict JSON syntax check of s[0..n). */
int fz_json_valid(const char *s, size_t n);

#endif
