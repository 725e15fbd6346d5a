/* libdhcp6txn - the DHCPv6 transaction library. Include this one header.
 * SPDX-License-Identifier: BSD-2-Clause */
#ifndef DHCP6TXN_H
#define DHCP6TXN_H

#include "dhcp6txn/common.h"
#include "dhcp6txn/codes.h"
#include "dhcp6txn/arena.h"
#include "dhcp6txn/message.h"
#include "dhcp6txn/optcodes.h"
#include "dhcp6txn/option.h"
#include "dhcp6txn/fields.h"
#include "dhcp6txn/dname.h"
#include "dhcp6txn/validate.h"
#include "dhcp6txn/print.h"
#include "dhcp6txn/bundle.h"
#include "dhcp6txn/relay.h"

#endif
