#!/usr/bin/python3
"""Conformance of libdhcp6txn against the dhcpkit vectors (read from outside the project).

usage: conformance.py VECTOOL VECTOR_DIR [-v]

Every record of test_*.json and probes.json, and every message of
transaction_bundle_scenarios.json, goes through the vectool binary in one batch. Checks:
  * valid records parse (and validate), re-encode byte-exact, and print the `expect` JSON
    (after the normalisation in normalise() below);
  * invalid records are rejected at parse or validate (or encode for domain_name_encode);
    when we reject only at validate, the parsed form is still checked against `expect`;
  * records where libdhcp6txn follows the RFCs instead of dhcpkit are listed in DEVIATIONS
    with the reason and what we do instead, which is checked just as strictly.
See docs/CONFORMANCE.md.
"""
import encodings.idna
import glob
import json
import os
import subprocess
import sys

# ---------------------------------------------------------------------------------------------
# Deviations from dhcpkit. Each entry: record name -> (outcome, reason[, transform]).
# outcome:
#   'accept'  we parse, validate, round-trip exactly and print `expect` (transformed when a
#             transform is given), although dhcpkit rejects the record;
#   'reject'  we reject the record (parse or validate) although dhcpkit accepts it; when we
#             reject only at validate, the parsed JSON must still equal `expect`;
#   'json'    both accept, but our JSON differs from dhcpkit's as the transform describes.
# Keys are record names, or "file:name" where a name occurs in several files.
# A record named here is never skipped: its outcome is checked, and an entry that no longer
# matches (e.g. the record behaves like dhcpkit after all) is reported as a failure too.
# ---------------------------------------------------------------------------------------------


def _uuid_duid(d):
    """dhcpkit does not implement DUID-UUID (RFC 6355); we decode it."""
    if isinstance(d, dict) and d.get('duid_type') == 4 and d.get('unknown'):
        return {'duid_type': 4, 'name': 'DUID-UUID', 'uuid': d['data']}
    return d


def D(outcome, reason, transform=None, why=None):
    """outcome as above; transform maps dhcpkit's `expect` to our JSON (applied to every
    nested value); why: text our rejection reason must contain (we reject for that reason)."""
    return (outcome, reason, transform, why)


def _truncated_llt(d):
    """dhcpkit reads a short DUID-LLT's time from the next option header; we print it as
    malformed with its real bytes (the hardware type, the only thing present after the type)."""
    if isinstance(d, dict) and d.get('duid_type') == 1 and d.get('link_layer_address') == '':
        return {'duid_type': 1, 'name': 'DUID-LLT', 'malformed': True, 'data': '%04x' % d['hardware_type']}
    return d


DEVIATIONS = {
    # RFC 4994 (ERO) and RFC 5460 (Relay-ID) options have containment rules; dhcpkit admits
    # them nowhere.
    'relay_forw_with_ero': D('accept', 'RFC 4994: a relay agent may put OPTION_ERO in RELAY-FORW'),
    'relay_forw_with_relay_id': D('accept', 'RFC 5460 s5.4.1: a relay may include OPTION_RELAY_ID in RELAY-FORW'),
    'lq_query_by_relay_id': D('accept', 'RFC 5460 s5.2: query-type QUERY_BY_RELAY_ID carries OPTION_RELAY_ID in OPTION_LQ_QUERY'),
    'lq_query_by_remote_id': D('accept', 'RFC 5460 s5.2: query-type QUERY_BY_REMOTE_ID carries OPTION_REMOTE_ID in OPTION_LQ_QUERY'),
    # INFORMATION-REQUEST rules (RFC 9915 s18.2.6 and Appendix B)
    'info_request_with_serverid': D('accept', 'RFC 9915 Appendix B allows OPTION_SERVERID in INFORMATION-REQUEST (s16.12 says when a server discards it)'),
    'info_request_without_clientid': D('accept', 'RFC 9915 s18.2.6: the client SHOULD (not MUST) include OPTION_CLIENTID in INFORMATION-REQUEST'),
    'info_request_with_unicast_option': D('reject', 'RFC 9915 Appendix B: OPTION_UNICAST appears only in ADVERTISE and REPLY', why='OPTION_UNICAST'),
    # bulk leasequery messages (RFC 5460) have containment rules in libdhcp6txn
    'leasequery_data_with_client_data': D('accept', 'RFC 5460 s5.4: LEASEQUERY-DATA carries OPTION_CLIENT_DATA'),
    'leasequery_done_with_status': D('accept', 'RFC 5460 s5.5: LEASEQUERY-DONE may carry OPTION_STATUS_CODE'),
    # dhcpkit reads fixed fields past the end of the option ("read past end"): we never do
    'clientid_truncated_duid_llt_in_message': D('reject', 'a 4-byte DUID-LLT is shorter than its 8-byte fixed part; dhcpkit reads the next option header as its time field', _truncated_llt, why='DUID'),
    'remote_id_len2_in_relay': D('reject', 'OPTION_REMOTE_ID shorter than its 4-byte enterprise number (RFC 4649); dhcpkit reads across the option boundary', why='D6T_ERR_OPT_LENGTH'),
    # RFC 9915 s11.1: the identifier after the type code is 1..128 octets
    'clientid_unknown_duid_type_empty': D('reject', 'RFC 9915 s11.1: a DUID has at least 1 octet after its type code', why='DUID'),
    'DUID-EN.validate_length.obj.2': D('accept', 'RFC 9915 s11.1: 129-byte DUID is within the 130-byte maximum (dhcpkit caps at 128)'),
    'DUID-LL.validate_length.obj.2': D('accept', 'RFC 9915 s11.1: 129-byte DUID is within the 130-byte maximum (dhcpkit caps at 128)'),
    'DUID-LLT.validate_length.obj.2': D('accept', 'RFC 9915 s11.1: 129-byte DUID is within the 130-byte maximum (dhcpkit caps at 128)'),
    # DUID-UUID (RFC 6355) is decoded, dhcpkit keeps it opaque
    'duid_uuid': D('json', 'RFC 6355 DUID-UUID is decoded as {"uuid": hex}', _uuid_duid),
    # domain names are byte-transparent: no IDNA requirement on wire labels
    'domain_list_underscore_label': D('accept', 'RFC 2181 s11: any octet is legal in a label; dhcpkit demands IDNA-valid labels'),
    'domain_list_root_only': D('accept', 'the root name is a well-formed absolute name and RFC 3646 sets no rule against it'),
    'client_fqdn_empty_name': D('accept', 'RFC 4704 s4.2: the domain-name field may be empty (client asks the server to supply a name)'),
    'OPTION_AFTR_NAME.validate_fqdn.obj.3': D('accept', 'RFC 6334 s3 asks for an FQDN in RFC 1035 wire form; the one-label name "x." is one (dhcpkit wants option-len >= 4)'),
    'client_fqdn_reserved_flags': D('reject', 'RFC 4704 s4.1: N and S must not both be set, MBZ bits must be sent as zero', why='flags'),
    # Relay-ID in RELAY-FORW is fine, but these inner RELAY-FORWs lack OPTION_RELAY_MSG
    'RELAY-FORW.query_by_address_with_extra_and_relay_data': D('reject', 'RFC 9915 s9.1: RELAY-FORW must carry OPTION_RELAY_MSG (the inner one does not); the OPTION_RELAY_ID itself is accepted (RFC 5460)', why='OPTION_RELAY_MSG is required'),
    'RELAY-FORW.remember_lease_again.obj': D('reject', 'RFC 9915 s9.1: RELAY-FORW must carry OPTION_RELAY_MSG (the inner one does not); the OPTION_RELAY_ID itself is accepted (RFC 5460)', why='OPTION_RELAY_MSG is required'),
    'relay_forw_without_relay_msg': D('reject', 'RFC 9915 s9.1: RELAY-FORW must carry OPTION_RELAY_MSG', why='OPTION_RELAY_MSG is required'),
    # relay rules
    'relay_forw_with_auth': D('reject', 'RFC 9915 Appendix B: OPTION_AUTH belongs to client/server messages, not relay messages', why='OPTION_AUTH'),
    'relay_forw_carrying_reply': D('reject', 'RFC 9915 s19.1: RELAY-FORW relays client messages or RELAY-FORW, never a REPLY', why='REPLY'),
    'relay_forw_hop_count_32': D('reject', 'RFC 9915 s7.6: HOP_COUNT_LIMIT is 8', why='HOP_COUNT_LIMIT'),
    'test_relay_forward_message.json:RELAY-FORW.validate_hop_count.obj.2': D('reject', 'RFC 9915 s7.6: hop count 255 is over HOP_COUNT_LIMIT (8)', why='HOP_COUNT_LIMIT'),
    'test_relay_server_message.json:RELAY-FORW.validate_hop_count.obj.2': D('reject', 'RFC 9915 s7.6: hop count 255 is over HOP_COUNT_LIMIT (8)', why='HOP_COUNT_LIMIT'),
    # RECONFIGURE must be authenticated (RFC 9915 s18.3.11, s20.4)
    'reconfigure_renew': D('reject', 'RFC 9915 s18.3.11: a RECONFIGURE must carry OPTION_AUTH', why='OPTION_AUTH'),
    'OPTION_RECONF_MSG.message_type.obj.3': D('accept', 'RFC 9915 s21.19: msg-type 6 (REBIND) is allowed in OPTION_RECONF_MSG'),
    # CONFIRM carries IA_NA/IA_TA only (RFC 9915 s18.2.3; delegated prefixes are checked with REBIND)
    'CONFIRM.fixture': D('reject', 'RFC 9915 s18.2.3 / Appendix B: OPTION_IA_PD is not allowed in CONFIRM', why='OPTION_IA_PD'),
    'CONFIRM.validate_IAID_uniqueness.obj': D('reject', 'RFC 9915 s18.2.3 / Appendix B: OPTION_IA_PD is not allowed in CONFIRM', why='OPTION_IA_PD'),
    'CONFIRM.validate_IAID_uniqueness.obj.2': D('reject', 'RFC 9915 s18.2.3 / Appendix B: OPTION_IA_PD is not allowed in CONFIRM', why='OPTION_IA_PD'),
    # value rules dhcpkit does not check
    'ia_na_t1_greater_than_t2': D('reject', 'RFC 9915 s21.4: T1 > T2 (both non-zero) is invalid', why='T1'),
    'OPTION_IA_NA.validate_t1.obj.2': D('reject', 'RFC 9915 s21.4: T1 > T2 (both non-zero) is invalid', why='T1'),
    'OPTION_IA_PD.validate_t1.obj.2': D('reject', 'RFC 9915 s21.21: T1 > T2 (both non-zero) is invalid', why='T1'),
    'iaaddr_preferred_greater_than_valid': D('reject', 'RFC 9915 s21.6: preferred lifetime > valid lifetime is invalid', why='preferred lifetime'),
    'OPTION_IAADDR.validate_preferred_lifetime.obj.2': D('reject', 'RFC 9915 s21.6: preferred lifetime > valid lifetime is invalid', why='preferred lifetime'),
    'OPTION_IAADDR.validate_valid_lifetime.obj': D('reject', 'RFC 9915 s21.6: preferred lifetime > valid lifetime is invalid', why='preferred lifetime'),
    'OPTION_IAPREFIX.validate_preferred_lifetime.obj.2': D('reject', 'RFC 9915 s21.22: preferred lifetime > valid lifetime is invalid', why='preferred lifetime'),
    'OPTION_IAPREFIX.validate_valid_lifetime.obj': D('reject', 'RFC 9915 s21.22: preferred lifetime > valid lifetime is invalid', why='preferred lifetime'),
    'OPTION_SOL_MAX_RT.fixture': D('reject', 'RFC 9915 s21.24: SOL_MAX_RT must be 60..86400', why='60..86400'),
    'OPTION_SOL_MAX_RT.validate_sol_max_rt.obj': D('reject', 'RFC 9915 s21.24: SOL_MAX_RT must be 60..86400', why='60..86400'),
    'OPTION_SOL_MAX_RT.validate_sol_max_rt.obj.2': D('reject', 'RFC 9915 s21.24: SOL_MAX_RT must be 60..86400', why='60..86400'),
    'OPTION_INF_MAX_RT.fixture': D('reject', 'RFC 9915 s21.25: INF_MAX_RT must be 60..86400', why='60..86400'),
    'OPTION_INF_MAX_RT.validate_inf_max_rt.obj': D('reject', 'RFC 9915 s21.25: INF_MAX_RT must be 60..86400', why='60..86400'),
    'OPTION_INF_MAX_RT.validate_inf_max_rt.obj.2': D('reject', 'RFC 9915 s21.25: INF_MAX_RT must be 60..86400', why='60..86400'),
    'OPTION_ORO.validate_requested_options.obj': D('reject', 'option code 0 is reserved (IANA); an ORO cannot request it', why='code 0'),
    'OPTION_ERO.validate_requested_options.obj': D('reject', 'option code 0 is reserved (IANA); an ERO cannot request it', why='code 0'),
    's46_portparams_psid_low_bits': D('reject', 'RFC 7598 s4.5: PSID bits past PSID-len must be zero (dhcpkit drops them silently)', why='PSID'),
    # content rules of the option sweep (docs/CONFORMANCE.md, "Content rules by option")
    'test_leasequery_message.json:LEASEQUERY.fixture': D('reject', 'RFC 5007 s4.1.2.1: query type 1 (QUERY_BY_ADDRESS) must carry OPTION_IAADDR in its query-options', why='OPTION_IAADDR is required'),
    'test_lq_query_option.json:OPTION_LQ_QUERY.fixture': D('reject', 'RFC 5007 s4.1.2.1: query type 1 (QUERY_BY_ADDRESS) must carry OPTION_IAADDR in its query-options', why='OPTION_IAADDR is required'),
    'test_lq_query_option.json:OPTION_LQ_QUERY.validate_link_address.obj': D('reject', 'RFC 5007 s4.1.2.1: query type 1 (QUERY_BY_ADDRESS) must carry OPTION_IAADDR in its query-options', why='OPTION_IAADDR is required'),
    's46_rule_prefix_bits_beyond_len': D('reject', 'RFC 7598 s4.1: the IPv4 prefix bits past prefix4-len must be sent as zero (dhcpkit masks them)', why='IPv4 prefix has bits set'),
    'test_ntp.json:OPTION_NTP_SERVER.fixture': D('reject', 'RFC 5908 s4: an OPTION_NTP_SERVER includes one, and only one, time source sub-option (the fixture has 3)', why='time source sub-options'),
    # no rule in RFC 9915 s21.22 on bits past prefix-length: kept and printed as sent
    'iaprefix_host_bits_set': D('accept', 'RFC 9915 s21.22 has no rule on bits past prefix-length (dhcpkit rejects them)'),
    # RFC 7341 message types are implemented; dhcpkit keeps 20 opaque
    'unknown_message_type_20': D('reject', 'RFC 7341: type 20 is DHCPV4-QUERY (flags + options); the byte after the flags is a truncated option header', why='D6T_ERR_OPT_OVERRUN'),
}

DNAME_KEYS = {'domain_name', 'fqdn'}
DNAME_LIST_KEYS = {'search_list', 'domain_names'}


def to_a_label(label, strict=True):
    """ASCII form of one label (dhcpkit hands out Unicode labels; our names stay on the wire)."""
    if all(ord(c) < 128 for c in label):
        return label.lower()
    try:
        return encodings.idna.ToASCII(label).decode('ascii').lower()
    except UnicodeError:
        if strict:
            raise
        # over-long label: encode anyway so the library itself sees (and rejects) it
        return 'xn--' + label.encode('punycode').decode('ascii').lower()


def norm_dname(name, strict=True):
    if not isinstance(name, str):
        return name
    if name in ('', '.'):
        return name
    return '.'.join(to_a_label(lab, strict) if lab else lab for lab in name.split('.'))


def normalise(v, key=None):
    """Domain names are compared case-insensitively, with Unicode labels as A-labels: the
    library does not lower-case or IDNA-decode names (dhcpkit does both)."""
    if isinstance(v, dict):
        return {k: normalise(x, k) for k, x in v.items()}
    if isinstance(v, list):
        if key in DNAME_LIST_KEYS:
            return [norm_dname(x) for x in v]
        return [normalise(x) for x in v]
    if key in DNAME_KEYS and isinstance(v, str):
        return norm_dname(v)
    return v


def deep_map(v, fn):
    v = fn(v)
    if isinstance(v, dict):
        return {k: deep_map(x, fn) for k, x in v.items()}
    if isinstance(v, list):
        return [deep_map(x, fn) for x in v]
    return v


def first_diff(a, b, path=''):
    if type(a) is not type(b):
        return f'{path or "/"}: {a!r} != {b!r}'
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f'{path}/{k}: only in {"ours" if k in a else "expect"}'
            d = first_diff(a[k], b[k], f'{path}/{k}')
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f'{path}: {len(a)} elements != {len(b)}'
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_diff(x, y, f'{path}[{i}]')
            if d:
                return d
        return None
    return None if a == b else f'{path or "/"}: {a!r} != {b!r}'


# ---------------------------------------------------------------------------------------------

class Rec:
    def __init__(self, file, name, kind, arg, rec):
        self.file, self.name, self.kind, self.arg, self.rec = file, name, kind, arg, rec

    def line(self):
        return f'{self.kind} {self.arg}'


def load(vdir):
    recs = []
    files = sorted(glob.glob(os.path.join(vdir, 'test_*.json'))) + [os.path.join(vdir, 'probes.json')]
    for path in files:
        fname = os.path.basename(path)
        with open(path, encoding='utf-8') as f:
            for r in json.load(f):
                kind = r['kind']
                if kind == 'domain_name_encode':
                    kind += '_rel' if r.get('relative_allowed') else ''
                    parts = r['text'].split('.')
                    arg = '.'.join(to_a_label(p, strict=False) if p else p for p in parts)
                elif kind == 'domain_name':
                    kind += '_rel' if r.get('relative_allowed') else ''
                    arg = r['hex']
                else:
                    arg = r['hex']
                recs.append(Rec(fname, r['name'], kind, arg, r))
    scen = os.path.join(vdir, 'transaction_bundle_scenarios.json')
    with open(scen, encoding='utf-8') as f:
        for s in json.load(f):
            msgs = [('incoming', s['incoming_hex'])]
            msgs += [(f'response{i}', h) for i, h in enumerate(s.get('responses_hex') or [])]
            for tag, h in msgs:
                recs.append(Rec('transaction_bundle_scenarios.json', f'{s["name"]}.{tag}', 'message', h,
                                {'bundle': True, 'hex': h}))
    return recs


def run_tool(tool, recs):
    data = ''.join(r.line() + '\n' for r in recs)
    p = subprocess.run([tool], input=data.encode('utf-8'), stdout=subprocess.PIPE, check=True)
    out = p.stdout.decode('utf-8').splitlines()
    if len(out) != len(recs):
        sys.exit(f'vectool printed {len(out)} lines for {len(recs)} records')
    res = []
    for r, line in zip(recs, out):
        try:
            res.append(json.loads(line))
        except ValueError as e:
            res.append({'ok': False, 'stage': 'print', 'reason': f'invalid JSON from vectool ({e}): {line[:200]}'})
    return res


def parsed(res):
    return res.get('stage') in ('ok', 'validate') and 'json' in res


def check_parsed_form(rec, res, transform=None):
    """Round trip and JSON of something we parsed. Returns an error string or None."""
    r = rec.rec
    kind = rec.kind
    if kind.startswith('domain_name') and kind != 'domain_name_list' and not kind.startswith('domain_name_encode'):
        n = r['expect']['consumed']
        if res['json'].get('consumed') != n:
            return f'consumed {res["json"].get("consumed")} != {n}'
        if res['resaved'] != r['hex'][:2 * n]:
            return f'resaved {res["resaved"]} != {r["hex"][:2 * n]}'
        if norm_dname(res['json']['domain_name']) != norm_dname(r['expect']['domain_name']):
            return f'name {res["json"]["domain_name"]!r} != {r["expect"]["domain_name"]!r}'
        return None
    if kind.startswith('domain_name_encode'):
        return None if res['resaved'] == r['expect_hex'] else f'encoded {res["resaved"]} != {r["expect_hex"]}'
    if res['resaved'] != r['hex']:
        return f'round trip: resaved {res["resaved"]} != {r["hex"]}'
    if 'expect' not in r:
        return None
    exp = r['expect']
    if transform:
        exp = deep_map(exp, transform)
    d = first_diff(normalise(res['json']), normalise(exp))
    return f'JSON differs at {d}' if d else None


def dev_key(rec):
    qualified = f'{rec.file}:{rec.name}'
    if qualified in DEVIATIONS:
        return qualified
    return rec.name if rec.name in DEVIATIONS else None


def check(rec, res):
    """Returns (ok, message)."""
    r = rec.rec
    if res.get('stage') == 'print' or res.get('print_error'):
        return False, f'printer: {res.get("reason") or res.get("print_error")}'
    if r.get('bundle'):
        if not parsed(res):
            return False, f'bundle message rejected at parse: {res.get("reason")}'
        return (res['resaved'] == r['hex'], 'bundle message parses and round-trips'
                if res['resaved'] == r['hex'] else f'round trip: {res["resaved"]} != {r["hex"]}')
    dev = DEVIATIONS.get(dev_key(rec))
    if dev:
        outcome, reason, transform, why = dev
        if outcome in ('accept', 'json'):
            if not res.get('ok'):
                return False, f'deviation "{reason}": expected us to accept, got {res.get("stage")}: {res.get("reason")}'
            err = check_parsed_form(rec, res, transform)
            return (err is None), err or f'deviation ({outcome}): {reason}'
        if res.get('ok'):
            return False, f'deviation "{reason}": expected us to reject, but we accept'
        said = f'{res.get("status")}: {res.get("reason")}'
        if why and why.lower() not in said.lower():
            return False, f'deviation "{reason}": rejected, but not for that reason ({said})'
        if res.get('stage') == 'validate' and 'expect' in r:
            err = check_parsed_form(rec, res, transform)
            if err:
                return False, f'rejected at validate, but parsed form wrong: {err}'
        return True, f'deviation (reject at {res.get("stage")}): {reason}'
    if r['valid']:
        if not res.get('ok'):
            return False, f'valid record rejected at {res.get("stage")}: {res.get("status")} @{res.get("offset")}: {res.get("reason")}'
        err = check_parsed_form(rec, res)
        return (err is None), err or 'ok'
    # invalid record: any rejection will do; a validate-stage rejection must still parse right
    if res.get('ok'):
        return False, f'invalid record accepted (dhcpkit: {r.get("stage")}/{r.get("error_class")}: {r.get("error")})'
    if res.get('stage') == 'validate' and 'expect' in r:
        err = check_parsed_form(rec, res)
        if err:
            return False, f'rejected at validate, but parsed form wrong: {err}'
    return True, f'rejected at {res.get("stage")}'


def main():
    args = [a for a in sys.argv[1:] if a != '-v']
    verbose = '-v' in sys.argv[1:]
    if len(args) != 2:
        sys.exit(__doc__)
    tool, vdir = args
    recs = load(vdir)
    names = [r.name for r in recs]
    for name in DEVIATIONS:
        if names.count(name) > 1:
            sys.exit(f'deviation {name!r} is ambiguous: the name occurs in several vector files')
    results = run_tool(tool, recs)
    passed = failed = 0
    seen = set()
    for rec, res in zip(recs, results):
        ok, msg = check(rec, res)
        if dev_key(rec):
            seen.add(dev_key(rec))
        if ok:
            passed += 1
            if verbose:
                print(f'PASS {rec.file}:{rec.name}: {msg}')
        else:
            failed += 1
            print(f'FAIL {rec.file}:{rec.name}: {msg}')
    for name in sorted(set(DEVIATIONS) - seen):
        failed += 1
        print(f'FAIL deviation list names {name!r}, which is in no vector file')
    print(f'{passed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
