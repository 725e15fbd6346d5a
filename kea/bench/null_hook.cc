// A hook with the same callouts as libdhcp_dhcp6txn.so that does nothing in them but fetch
// their argument: what Kea's own hook dispatch costs, so that cost.py can tell it apart from
// the library's work. Built for the benchmark only, never installed.
// SPDX-License-Identifier: BSD-2-Clause
#include <dhcp/pkt6.h>
#include <hooks/hooks.h>

using isc::dhcp::Pkt6Ptr;
using isc::hooks::CalloutHandle;
using isc::hooks::LibraryHandle;

#define D6T_KEA_EXPORT __attribute__((visibility("default")))

extern "C" {

D6T_KEA_EXPORT int version()
{
    return KEA_HOOKS_VERSION;
}

D6T_KEA_EXPORT int multi_threading_compatible()
{
    return 1;
}

D6T_KEA_EXPORT int load(LibraryHandle &)
{
    return 0;
}

D6T_KEA_EXPORT int unload()
{
    return 0;
}

D6T_KEA_EXPORT int buffer6_receive(CalloutHandle &handle)
{
    Pkt6Ptr q;
    handle.getArgument("query6", q);
    return q ? 0 : 1;
}

D6T_KEA_EXPORT int buffer6_send(CalloutHandle &handle)
{
    Pkt6Ptr r;
    handle.getArgument("response6", r);
    return r ? 0 : 1;
}

} // extern "C"
