// libdhcp6txn Kea hook: libdhcp6txn parses (and optionally validates) every datagram before
// kea-dhcp6 does and drops what it rejects, validates what Kea sends, and can write one JSON
// line per transaction. A thin C++ shim over the library's C API; docs/KEA.md documents it.
// SPDX-License-Identifier: BSD-2-Clause
#include <dhcp6txn.h>

#include <asiolink/io_address.h>
#include <cc/data.h>
#include <dhcp/pkt6.h>
#include <hooks/hooks.h>
#include <log/logger.h>
#include <log/macros.h>
#include <log/message_initializer.h>
#include <stats/stats_mgr.h>

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <sys/time.h>
#include <vector>

#include "txn_log.h"

using isc::data::ConstElementPtr;
using isc::data::Element;
using isc::dhcp::Pkt6Ptr;
using isc::hooks::CalloutHandle;
using isc::hooks::LibraryHandle;

namespace
{

// ---- log messages (registered with Kea's dictionary; the logger is kea-dhcp6.dhcp6txn) ----
const char *D6T_KEA_LOADED = "D6T_KEA_LOADED";
const char *D6T_KEA_BAD_PARAMETER = "D6T_KEA_BAD_PARAMETER";
const char *D6T_KEA_DROP = "D6T_KEA_DROP";
const char *D6T_KEA_INVALID_QUERY = "D6T_KEA_INVALID_QUERY";
const char *D6T_KEA_UNPARSABLE_QUERY = "D6T_KEA_UNPARSABLE_QUERY";
const char *D6T_KEA_INVALID_RESPONSE = "D6T_KEA_INVALID_RESPONSE";
const char *D6T_KEA_TXN_LOG_ERROR = "D6T_KEA_TXN_LOG_ERROR";
const char *d6t_messages[] = {
    D6T_KEA_LOADED,
    "libdhcp6txn %1 loaded: policy %2, validate-responses %3, transaction-log %4",
    D6T_KEA_BAD_PARAMETER,
    "libdhcp6txn hook parameter %1: %2",
    D6T_KEA_DROP,
    "dropped %1 from %2: %3 at byte %4, client DUID %5",
    D6T_KEA_UNPARSABLE_QUERY,
    "not dropped (log-only) %1 from %2: %3 at byte %4, client DUID %5",
    D6T_KEA_INVALID_QUERY,
    "not dropped (%1) %2 from %3: %4, client DUID %5",
    D6T_KEA_INVALID_RESPONSE,
    "Kea sends %1 to %2 that breaks RFC 9915: %3",
    D6T_KEA_TXN_LOG_ERROR,
    "transaction log %1: %2 line(s) lost: %3",
    nullptr,
};
const isc::log::MessageInitializer d6t_message_init(d6t_messages);
isc::log::Logger d6t_logger("dhcp6txn");

// ---- statistics (statistic-get over the control socket) ----
const char *STAT_PARSE_DROP = "pkt6-dhcp6txn-parse-drop";
const char *STAT_INVALID_DROP = "pkt6-dhcp6txn-invalid-drop";
const char *STAT_RECEIVE_INVALID = "pkt6-dhcp6txn-receive-invalid";
const char *STAT_SEND_INVALID = "pkt6-dhcp6txn-send-invalid";
const char *STAT_LOG_LOST = "pkt6-dhcp6txn-log-lost";

enum class Policy {
    DROP_UNPARSABLE,
    DROP_INVALID,
    LOG_ONLY
};

struct Config {
    Policy policy = Policy::DROP_UNPARSABLE;
    bool validate_responses = true;
    std::unique_ptr<d6t_kea::TxnLog> txn_log;
};
Config config;

// The request as received, kept in the callout context until its response is sent (only with
// a transaction log: the copy costs an allocation).
struct Request {
    std::vector<uint8_t> wire;
    std::string from;
    std::string iface;
};
const char *REQUEST_CONTEXT = "dhcp6txn-request";

// Per packet thread: one arena reset per datagram (no heap use once it has grown) and the
// transaction-log line the JSON is printed into.
struct ThreadState {
    d6t_arena *arena = nullptr;
    std::string line;
    ThreadState()
    {
        arena = d6t_arena_new(nullptr, 16384);
        // hostile input cannot make a thread keep more than this
        if (arena) d6t_arena_set_limit(arena, 1u << 20);
    }
    ~ThreadState()
    {
        d6t_arena_free(arena);
    }
};
thread_local ThreadState thread_state;

void count_n(const char *stat, int64_t n)
{
    isc::stats::StatsMgr::instance().addValue(stat, n);
}

void count(const char *stat)
{
    count_n(stat, 1);
}

std::string hex(const uint8_t *p, size_t n, size_t max)
{
    static const char digits[] = "0123456789abcdef";
    std::string s;
    for (size_t i = 0; i < n && i < max; ++i) {
        if (i) s += ':';
        s += digits[p[i] >> 4];
        s += digits[p[i] & 15];
    }
    if (n > max) s += "...(" + std::to_string(n) + " bytes)";
    return s;
}

uint16_t get16(const uint8_t *p)
{
    return static_cast<uint16_t>(p[0] << 8 | p[1]);
}

// The client DUID from raw bytes the library may have rejected: a bounded walk of the options
// of the message and of the messages relayed in it, stopping at the first malformed header.
std::string scan_duid(const uint8_t *buf, size_t len, unsigned depth)
{
    if (len < 4 || depth > D6T_HOP_COUNT_LIMIT + 1) return "";
    bool relay = buf[0] == D6T_MSG_RELAY_FORW || buf[0] == D6T_MSG_RELAY_REPL;
    size_t pos = relay ? 34 : 4;
    while (pos + 4 <= len) {
        uint16_t code = get16(buf + pos), olen = get16(buf + pos + 2);
        if (olen > len - pos - 4) break;
        const uint8_t *val = buf + pos + 4;
        if (!relay && code == D6T_OPT_CLIENTID) return olen ? hex(val, olen, 32) : "(empty)";
        if (relay && code == D6T_OPT_RELAY_MSG) return scan_duid(val, olen, depth + 1);
        pos += 4u + olen;
    }
    return "";
}

std::string duid_or_unknown(const uint8_t *buf, size_t len)
{
    std::string d = scan_duid(buf, len, 0);
    return d.empty() ? "unreadable" : d;
}

// The innermost client/server message (through relay messages).
const d6t_msg *innermost(const d6t_msg *m)
{
    for (unsigned i = 0; m && d6t_msg_kind_of(m) == D6T_KIND_RELAY && i <= D6T_HOP_COUNT_LIMIT; ++i)
        m = d6t_msg_relayed(m);
    return m;
}

std::string msg_name(uint8_t type)
{
    const char *n = d6t_msg_type_name(type);
    return n ? n : "message type " + std::to_string(type);
}

// A datagram's name for the log: the message type, through its relays.
std::string describe(const uint8_t *buf, size_t len, const d6t_msg *m)
{
    if (m) {
        const d6t_msg *in = innermost(m);
        std::string s = in ? msg_name(d6t_msg_type(in)) : "relay message carrying none";
        if (d6t_msg_kind_of(m) == D6T_KIND_RELAY) s += " (relayed)";
        return s;
    }
    return std::to_string(len) + "-byte " + (len ? msg_name(buf[0]) : std::string("datagram"));
}

struct FirstViolation {
    std::string text, where;
};

int first_violation(void *ctx, d6t_violation_kind, const char *where, const char *what)
{
    auto *f = static_cast<FirstViolation *>(ctx);
    if (f->text.empty()) {
        f->text = std::string(where) + ": " + what;
        f->where = where;
    }
    return 0;
}

// The name a violation path gives option o ("OPTION_IA_NA", or "option-N" for an unknown one).
std::string path_name(const d6t_opt *o)
{
    const d6t_optdef *d = d6t_optdef_of(o);
    return d ? d6t_optdef_name(d) : "option-" + std::to_string(d6t_opt_code(o));
}

// Where in 'base' (the datagram m was parsed from in place) the element a violation's path names
// begins: "SOLICIT/OPTION_IA_NA[1]/OPTION_IAADDR" is the header of the IA_NA's IAADDR. A path
// step is a message's type name or an option's name with its index among same-named siblings
// ([0] when left out). As deep as the path can be followed; 0 for the message itself.
size_t path_offset(const d6t_msg *m, const uint8_t *base, const std::string &path)
{
    size_t at = 0, pos = path.find('/');
    const d6t_opt *kids = d6t_msg_first_opt(m), *cur = nullptr;
    while (pos != std::string::npos) {
        size_t next = path.find('/', pos + 1);
        std::string step =
            path.substr(pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
        pos = next;
        const d6t_msg *inner = cur ? d6t_opt_msg(cur) : nullptr;
        if (inner) { // a message inside the option before: where its bytes begin
            size_t fixed = 0;
            at = static_cast<size_t>(d6t_opt_data(cur, &fixed) + fixed - base);
            kids = d6t_msg_first_opt(inner);
            cur = nullptr;
            continue;
        }
        size_t idx = 0, br = step.find('[');
        if (br != std::string::npos) {
            idx = std::strtoul(step.c_str() + br + 1, nullptr, 10);
            step.resize(br);
        }
        const d6t_opt *hit = nullptr;
        for (const d6t_opt *o = kids; o && !hit; o = d6t_opt_next(o))
            if (path_name(o) == step && idx-- == 0) hit = o;
        if (!hit) break; // a truncated path: as far as it went
        at = static_cast<size_t>(d6t_opt_data(hit, nullptr) - base) - 4;
        cur = hit;
        kids = d6t_opt_first_child(hit);
    }
    return at;
}

// "N violation(s), first: WHERE: WHAT", or "" when the message is valid; *where is the first
// violation's path.
std::string violations(const d6t_msg *m, std::string *where = nullptr)
{
    FirstViolation f;
    size_t n = 0;
    if (d6t_msg_validate(m, first_violation, &f, &n) == D6T_OK) return "";
    if (where) *where = f.where;
    return std::to_string(n) + " violation(s), first " + f.text;
}

void keep_request(CalloutHandle &handle, const Pkt6Ptr &q)
{
    Request r;
    r.wire = q->data_;
    r.from = q->getRemoteAddr().toText();
    r.iface = q->getIface();
    handle.setContext(REQUEST_CONTEXT, r);
}

// ---- JSON of one transaction ----
void json_string(std::string &out, const std::string &s)
{
    out += '"';
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20) {
            char esc[8];
            std::snprintf(esc, sizeof esc, "\\u%04x", c);
            out += esc;
        } else {
            out += static_cast<char>(c);
        }
    }
    out += '"';
}

// Printed in place at the end of 'out': one pass when the room the string already has (or
// 4 KiB) is enough, a second one only for a larger message.
void json_msg(std::string &out, const d6t_msg *m)
{
    size_t at = out.size();
    size_t room = std::max<size_t>(out.capacity() - at, 4096);
    out.resize(at + room); // std::string keeps one more byte for the NUL the printer adds
    size_t need = d6t_msg_to_json(m, &out[at], room + 1);
    if (need > room) {
        out.resize(at + need);
        d6t_msg_to_json(m, &out[at], need + 1);
    }
    out.resize(at + need);
}

const char *ia_type_name(uint16_t code)
{
    return code == D6T_OPT_IA_PD ? "pd" : code == D6T_OPT_IA_TA ? "ta" : "na";
}

// One lease entry per IAADDR / IAPREFIX with a valid lifetime above 0 in the message's IAs.
void json_leases(std::string &out, const d6t_msg *m)
{
    bool first = true;
    for (const d6t_opt *ia = d6t_msg_first_opt(m); ia; ia = d6t_opt_next(ia)) {
        uint16_t code = d6t_opt_code(ia);
        if (code != D6T_OPT_IA_NA && code != D6T_OPT_IA_TA && code != D6T_OPT_IA_PD) continue;
        uint32_t iaid = 0, t1, t2;
        d6t_opt_get_ia(ia, &iaid, &t1, &t2);
        for (const d6t_opt *o = d6t_opt_first_child(ia); o; o = d6t_opt_next(o)) {
            uint8_t addr[16];
            uint8_t plen = 128;
            uint32_t pref = 0, valid = 0;
            bool pd = d6t_opt_code(o) == D6T_OPT_IAPREFIX;
            if (pd) {
                if (d6t_opt_get_prefix(o, D6T_IAPREFIX_PREFIX, addr, &plen) != D6T_OK ||
                    d6t_opt_get_u32(o, D6T_IAPREFIX_PREFERRED_LIFETIME, &pref) != D6T_OK ||
                    d6t_opt_get_u32(o, D6T_IAPREFIX_VALID_LIFETIME, &valid) != D6T_OK)
                    continue;
            } else if (d6t_opt_code(o) != D6T_OPT_IAADDR ||
                       d6t_opt_get_addr6(o, D6T_IAADDR_ADDRESS, addr) != D6T_OK ||
                       d6t_opt_get_u32(o, D6T_IAADDR_PREFERRED_LIFETIME, &pref) != D6T_OK ||
                       d6t_opt_get_u32(o, D6T_IAADDR_VALID_LIFETIME, &valid) != D6T_OK) {
                continue;
            }
            if (valid == 0) continue;
            char text[INET6_ADDRSTRLEN], entry[256];
            inet_ntop(AF_INET6, addr, text, sizeof text);
            int n = std::snprintf(entry, sizeof entry,
                                  "%s{\"type\":\"%s\",\"iaid\":%u,\"%s\":\"%s%s%s\","
                                  "\"preferred_lifetime\":%u,\"valid_lifetime\":%u}",
                                  first ? "" : ",", ia_type_name(code), iaid,
                                  pd ? "prefix" : "address", text, pd ? "/" : "",
                                  pd ? std::to_string(plen).c_str() : "", pref, valid);
            if (n > 0) out.append(entry, std::min(static_cast<size_t>(n), sizeof entry - 1));
            first = false;
        }
    }
}

void append_now(std::string &out)
{
    struct timeval tv;
    gettimeofday(&tv, nullptr);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char buf[40];
    size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(buf + n, sizeof buf - n, ".%06ldZ", static_cast<long>(tv.tv_usec));
    out += buf;
}

std::string client_duid_text(const d6t_msg *inner)
{
    const d6t_opt *o = inner ? d6t_msg_find_opt(inner, D6T_OPT_CLIENTID) : nullptr;
    size_t n = 0;
    const uint8_t *d = o ? d6t_opt_data(o, &n) : nullptr;
    return d ? hex(d, n, 130) : "";
}

// The line for one request/response pair; the request is re-parsed here, off the receive path.
void log_transaction(const Request &req, const d6t_msg *rsp, const Pkt6Ptr &r)
{
    d6t_arena *a = thread_state.arena;
    d6t_msg *q = nullptr;
    if (d6t_msg_parse(a, req.wire.data(), req.wire.size(), 0, &q, nullptr) != D6T_OK) q = nullptr;
    const d6t_msg *inner_rsp = innermost(rsp);
    std::string &line = thread_state.line; // its capacity is kept from one line to the next
    line = "{\"time\":\"";
    append_now(line);
    line += "\",\"interface\":";
    json_string(line, req.iface);
    line += ",\"client\":\"";
    line += req.from;
    line += "\",\"sent_to\":\"";
    line += r->getRemoteAddr().toText();
    line += "\",\"client_duid\":\"";
    line += client_duid_text(q ? innermost(q) : nullptr);
    line += "\",\"request\":";
    if (q)
        json_msg(line, q);
    else
        line += "null";
    line += ",\"response\":";
    json_msg(line, rsp);
    line += ",\"leases\":[";
    if (inner_rsp && d6t_msg_type(inner_rsp) == D6T_MSG_REPLY) json_leases(line, inner_rsp);
    line += "]}";
    config.txn_log->append(line);
}

// From the log's writer thread: never on the packet path, so it may log.
void txn_log_lost(const std::string &path, size_t lines, const std::string &why)
{
    if (lines) count_n(STAT_LOG_LOST, static_cast<int64_t>(lines));
    LOG_ERROR(d6t_logger, D6T_KEA_TXN_LOG_ERROR).arg(path).arg(lines).arg(why);
}

// ---- parameters ----
bool bad_parameter(const std::string &name, const std::string &why)
{
    LOG_ERROR(d6t_logger, D6T_KEA_BAD_PARAMETER).arg(name).arg(why);
    return false;
}

bool get_string(LibraryHandle &h, const char *name, std::string &v)
{
    ConstElementPtr e = h.getParameter(name);
    if (!e) return true;
    if (e->getType() != Element::string) return bad_parameter(name, "must be a string");
    v = e->stringValue();
    return true;
}

bool get_int(LibraryHandle &h, const char *name, int64_t lo, int64_t hi, int64_t &v)
{
    ConstElementPtr e = h.getParameter(name);
    if (!e) return true;
    if (e->getType() != Element::integer || e->intValue() < lo || e->intValue() > hi)
        return bad_parameter(name, "must be an integer from " + std::to_string(lo) + " to " +
                                       std::to_string(hi));
    v = e->intValue();
    return true;
}

bool parse_policy(const std::string &s, Policy &p)
{
    static const struct {
        const char *name;
        Policy policy;
    } names[] = {{"drop-unparsable", Policy::DROP_UNPARSABLE},
                 {"drop-invalid", Policy::DROP_INVALID},
                 {"log-only", Policy::LOG_ONLY}};
    for (const auto &n : names) {
        if (s == n.name) {
            p = n.policy;
            return true;
        }
    }
    return bad_parameter("policy", "'" + s + "': one of drop-unparsable, drop-invalid, log-only");
}

const char *policy_name(Policy p)
{
    return p == Policy::DROP_INVALID ? "drop-invalid"
           : p == Policy::LOG_ONLY   ? "log-only"
                                     : "drop-unparsable";
}

bool configure(LibraryHandle &h)
{
    std::string policy = "drop-unparsable", path;
    int64_t max_bytes = 10 * 1024 * 1024, keep = 4;
    ConstElementPtr vr = h.getParameter("validate-responses");
    if (vr && vr->getType() != Element::boolean)
        return bad_parameter("validate-responses", "must be true or false");
    config.validate_responses = vr ? vr->boolValue() : true;
    if (!get_string(h, "policy", policy) || !parse_policy(policy, config.policy) ||
        !get_string(h, "transaction-log", path) ||
        !get_int(h, "transaction-log-max-bytes", 4096, INT64_C(1) << 40, max_bytes) ||
        !get_int(h, "transaction-log-keep", 0, 100, keep))
        return false;
    for (const std::string &n : h.getParameterNames()) {
        static const char *known[] = {"policy", "validate-responses", "transaction-log",
                                      "transaction-log-max-bytes", "transaction-log-keep"};
        bool found = false;
        for (const char *k : known) found = found || n == k;
        if (!found) return bad_parameter(n, "unknown (see docs/KEA.md)");
    }
    if (!path.empty()) {
        config.txn_log.reset(new d6t_kea::TxnLog(
            path, static_cast<size_t>(max_bytes), static_cast<unsigned>(keep),
            [path](size_t lines, const std::string &why) { txn_log_lost(path, lines, why); }));
        if (!config.txn_log->open())
            return bad_parameter("transaction-log", path + ": " + std::strerror(errno));
    }
    return true;
}

// ---- what a receive callout decides ----
void reject_unparsable(CalloutHandle &handle, const Pkt6Ptr &q, const d6t_parse_error &err)
{
    const std::vector<uint8_t> &d = q->data_;
    std::string what = describe(d.data(), d.size(), nullptr);
    std::string why = std::string(d6t_status_name(err.status)) + " (" +
                      (err.reason ? err.reason : d6t_strerror(err.status)) + ")";
    bool drop = config.policy != Policy::LOG_ONLY;
    LOG_INFO(d6t_logger, drop ? D6T_KEA_DROP : D6T_KEA_UNPARSABLE_QUERY)
        .arg(what)
        .arg(q->getRemoteAddr().toText())
        .arg(why)
        .arg(err.offset)
        .arg(duid_or_unknown(d.data(), d.size()));
    if (drop) {
        count(STAT_PARSE_DROP);
        handle.setStatus(CalloutHandle::NEXT_STEP_DROP);
    } else {
        count(STAT_RECEIVE_INVALID);
    }
}

// Returns true when the datagram is dropped.
bool reject_invalid(CalloutHandle &handle, const Pkt6Ptr &q, const d6t_msg *m)
{
    std::string where;
    std::string v = violations(m, &where);
    if (v.empty()) return false;
    const std::vector<uint8_t> &d = q->data_;
    bool drop = config.policy == Policy::DROP_INVALID;
    if (drop) {
        // m was parsed in place from d: the option the violation names is at this offset
        LOG_INFO(d6t_logger, D6T_KEA_DROP)
            .arg(describe(d.data(), d.size(), m))
            .arg(q->getRemoteAddr().toText())
            .arg("D6T_ERR_INVALID (" + v + ")")
            .arg(path_offset(m, d.data(), where))
            .arg(duid_or_unknown(d.data(), d.size()));
        count(STAT_INVALID_DROP);
        handle.setStatus(CalloutHandle::NEXT_STEP_DROP);
    } else {
        LOG_INFO(d6t_logger, D6T_KEA_INVALID_QUERY)
            .arg(policy_name(config.policy))
            .arg(describe(d.data(), d.size(), m))
            .arg(q->getRemoteAddr().toText())
            .arg(v)
            .arg(duid_or_unknown(d.data(), d.size()));
        count(STAT_RECEIVE_INVALID);
    }
    return drop;
}

} // namespace

// The entry points Kea looks up by name: the only symbols the module exports.
#define D6T_KEA_EXPORT __attribute__((visibility("default")))

extern "C" {

// Kea checks this before anything else: the hooks API the library was built against.
D6T_KEA_EXPORT int version()
{
    return KEA_HOOKS_VERSION;
}

// The arenas are per thread, the log and the statistics take their own locks.
D6T_KEA_EXPORT int multi_threading_compatible()
{
    return 1;
}

D6T_KEA_EXPORT int load(LibraryHandle &handle)
{
    if (!configure(handle)) return 1;
    for (const char *s : {STAT_PARSE_DROP, STAT_INVALID_DROP, STAT_RECEIVE_INVALID,
                          STAT_SEND_INVALID, STAT_LOG_LOST})
        isc::stats::StatsMgr::instance().setValue(s, static_cast<int64_t>(0));
    LOG_INFO(d6t_logger, D6T_KEA_LOADED)
        .arg(d6t_version())
        .arg(policy_name(config.policy))
        .arg(config.validate_responses ? "on" : "off")
        .arg(config.txn_log ? config.txn_log->path() : std::string("off"));
    return 0;
}

D6T_KEA_EXPORT int unload()
{
    // the destructor writes out what is still buffered
    config.txn_log.reset();
    return 0;
}

D6T_KEA_EXPORT int buffer6_receive(CalloutHandle &handle)
{
    Pkt6Ptr q;
    handle.getArgument("query6", q);
    if (!q) return 0;
    d6t_arena *a = thread_state.arena;
    if (!a) return 1;
    d6t_arena_reset(a);
    d6t_msg *m = nullptr;
    d6t_parse_error err = {};
    if (d6t_msg_parse(a, q->data_.data(), q->data_.size(), 0, &m, &err) != D6T_OK) {
        reject_unparsable(handle, q, err);
        if (config.policy != Policy::LOG_ONLY) return 0;
    } else if (config.policy != Policy::DROP_UNPARSABLE && reject_invalid(handle, q, m)) {
        return 0;
    }
    if (config.txn_log) keep_request(handle, q);
    return 0;
}

D6T_KEA_EXPORT int buffer6_send(CalloutHandle &handle)
{
    if (!config.validate_responses && !config.txn_log) return 0;
    Pkt6Ptr r;
    handle.getArgument("response6", r);
    if (!r) return 0;
    d6t_arena *a = thread_state.arena;
    if (!a) return 1;
    d6t_arena_reset(a);
    const isc::util::OutputBuffer &b = r->getBuffer();
    const auto *wire = static_cast<const uint8_t *>(b.getData());
    d6t_msg *m = nullptr;
    d6t_parse_error err = {};
    if (d6t_msg_parse(a, wire, b.getLength(), 0, &m, &err) != D6T_OK) {
        LOG_WARN(d6t_logger, D6T_KEA_INVALID_RESPONSE)
            .arg(describe(wire, b.getLength(), nullptr))
            .arg(r->getRemoteAddr().toText())
            .arg(std::string(d6t_status_name(err.status)) + " at byte " +
                 std::to_string(err.offset));
        count(STAT_SEND_INVALID);
        return 0;
    }
    if (config.validate_responses) {
        std::string v = violations(m);
        if (!v.empty()) {
            LOG_WARN(d6t_logger, D6T_KEA_INVALID_RESPONSE)
                .arg(describe(wire, b.getLength(), m))
                .arg(r->getRemoteAddr().toText())
                .arg(v);
            count(STAT_SEND_INVALID);
        }
    }
    if (config.txn_log) {
        Request req;
        try {
            handle.getContext(REQUEST_CONTEXT, req);
        } catch (const isc::hooks::NoSuchCalloutContext &) {
            return 0; // a response the hook saw no request for (e.g. a Reconfigure)
        }
        log_transaction(req, m, r);
    }
    return 0;
}

} // extern "C"
