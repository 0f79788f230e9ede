#!/usr/bin/env python3
"""Reference implementation of the Tangui stall draw (tangui-rsd-v1 and tangui-rsd-v2).

Written from docs/draw-specification.en.md alone, with the Python 3 standard library only
(hashlib for SHA-256; ChaCha20 is implemented below). It checks a published round record:

    python3 docs/draw-reference.py record.json     # a record downloaded from a round page
    python3 docs/draw-reference.py                 # every vector of docs/draw-vectors.json

and prints MATCH or MISMATCH (exit status 0 or 1).
"""

import hashlib
import json
import os
import sys

V1 = "tangui-rsd-v1"
V2 = "tangui-rsd-v2"
MAX_PREFERENCES = 5
MAX_RESERVED_PERCENT = 50
MAX_OUTSIDE_VALUE = 200


class Refused(Exception):
    """The inputs are refused: the draw has no result (specification section 3)."""


# ---------------------------------------------------------------- section 4: canonical JSON

_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def json_string(s):
    out = ['"']
    for ch in s:
        if ch in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[ch])
        elif ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)  # '/', U+007F and all non-ASCII stay as they are (UTF-8)
    out.append('"')
    return "".join(out)


def json_int(n):
    if isinstance(n, bool) or not isinstance(n, int):
        raise Refused("not an integer: %r" % (n,))
    return str(n)


def json_bool(b):
    if not isinstance(b, bool):
        raise Refused("not a boolean: %r" % (b,))
    return "true" if b else "false"


def id_key(version):
    return "draw_number" if version == V2 else "application_id"


def applicant_id(a):
    """An applicant's id in a parsed record: `draw_number` (v2) or `application_id` (v1)."""
    for k in ("draw_number", "application_id"):
        if k in a:
            return a[k]
    raise Refused("an applicant has no id")


def inputs_version(inputs):
    return inputs.get("algorithm", V1)


def canonical_inputs(inputs):
    version = inputs_version(inputs)
    applicants = sorted(inputs.get("applicants", []), key=applicant_id)
    stalls = sorted(inputs.get("stalls", []), key=lambda s: s["stall_id"])
    parts = ["{"]
    if version == V2:
        parts.append('"algorithm":"tangui-rsd-v2",')
    parts.append('"round_id":' + json_int(inputs["round_id"]))
    if version == V2:
        parts.append(',"outside_source":' + json_string(inputs.get("outside_source", "")))
    parts.append(',"applicants":[')
    parts.append(",".join(
        '{"%s":%s,"priority":%s,"category":%s,"preferences":[%s]}' % (
            id_key(version), json_int(applicant_id(a)), json_bool(a["priority"]), json_string(a["category"]),
            ",".join(json_int(z) for z in a["preferences"]))
        for a in applicants))
    parts.append('],"stalls":[')
    parts.append(",".join(
        '{"stall_id":%s,"zone_id":%s,"number":%s,"category":%s}' % (
            json_int(s["stall_id"]), json_int(s["zone_id"]), json_string(s["number"]), json_string(s["category"]))
        for s in stalls))
    parts.append('],"reserved_percent":' + json_int(inputs["reserved_percent"]) + "}")
    return "".join(parts).encode("utf-8")


def sha256(b):
    return hashlib.sha256(b).digest()


def parse_seed(seed_hex):
    if not isinstance(seed_hex, str) or len(seed_hex) != 64 or any(c not in "0123456789abcdefABCDEF" for c in seed_hex):
        raise Refused("the seed must be 64 hexadecimal digits")
    return bytes.fromhex(seed_hex)


def commitment(seed_hex):
    return sha256(parse_seed(seed_hex)).hex()


# ---------------------------------------------------------------- section 5, step 1: ChaCha20

M32 = 0xFFFFFFFF


def _rotl(v, n):
    return ((v << n) | (v >> (32 - n))) & M32


def _quarter(x, a, b, c, d):
    x[a] = (x[a] + x[b]) & M32; x[d] = _rotl(x[d] ^ x[a], 16)
    x[c] = (x[c] + x[d]) & M32; x[b] = _rotl(x[b] ^ x[c], 12)
    x[a] = (x[a] + x[b]) & M32; x[d] = _rotl(x[d] ^ x[a], 8)
    x[c] = (x[c] + x[d]) & M32; x[b] = _rotl(x[b] ^ x[c], 7)


def chacha20_block(key, counter):
    """One 64-byte block: original layout, 64-bit counter in words 12-13, zero 64-bit nonce."""
    state = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    state += [int.from_bytes(key[4 * i:4 * i + 4], "little") for i in range(8)]
    state += [counter & M32, (counter >> 32) & M32, 0, 0]
    x = list(state)
    for _ in range(10):
        _quarter(x, 0, 4, 8, 12); _quarter(x, 1, 5, 9, 13); _quarter(x, 2, 6, 10, 14); _quarter(x, 3, 7, 11, 15)
        _quarter(x, 0, 5, 10, 15); _quarter(x, 1, 6, 11, 12); _quarter(x, 2, 7, 8, 13); _quarter(x, 3, 4, 9, 14)
    return b"".join(((x[i] + state[i]) & M32).to_bytes(4, "little") for i in range(16))


class Stream:
    """Random numbers: the keystream read 8 bytes at a time as little-endian u64."""

    def __init__(self, key):
        self.key, self.counter, self.buf, self.pos = key, 0, b"", 0

    def next_u64(self):
        if self.pos + 8 > len(self.buf):
            self.buf, self.pos = chacha20_block(self.key, self.counter), 0
            self.counter += 1
        x = int.from_bytes(self.buf[self.pos:self.pos + 8], "little")
        self.pos += 8
        return x

    def below(self, k):
        limit = k * ((1 << 64) // k)
        while True:
            x = self.next_u64()
            if x < limit:
                return x % k


def draw_key(inputs, seed_hex, outside_value):
    seed, fp = parse_seed(seed_hex), sha256(canonical_inputs(inputs))
    material = seed + fp
    if inputs_version(inputs) == V2:
        if not isinstance(outside_value, str) or not 1 <= len(outside_value) <= MAX_OUTSIDE_VALUE:
            raise Refused("a v2 draw needs the outside value (1-200 characters)")
        material += sha256(outside_value.encode("utf-8"))
    return sha256(material)


# ---------------------------------------------------------------- section 5: the draw

def distinct_zones(prefs):
    seen = []
    for z in prefs:
        if z not in seen:
            seen.append(z)
    return list(enumerate(seen, start=1))  # (rank, zone)


def draw(inputs, seed_hex, outside_value=None):
    version = inputs_version(inputs)
    if version not in (V1, V2):
        raise Refused("unknown algorithm %r" % version)
    parse_seed(seed_hex)
    if not 0 <= inputs["reserved_percent"] <= MAX_RESERVED_PERCENT:
        raise Refused("reserved_percent must be 0-50")
    applicants = sorted(inputs.get("applicants", []), key=applicant_id)
    ids = [applicant_id(a) for a in applicants]
    if len(set(ids)) != len(ids):
        raise Refused("an applicant id appears twice")
    stalls = sorted(inputs.get("stalls", []), key=lambda s: s["stall_id"])
    if len({s["stall_id"] for s in stalls}) != len(stalls):
        raise Refused("a stall id appears twice")
    if any(len(a["preferences"]) > MAX_PREFERENCES for a in applicants):
        raise Refused("more than 5 preferences")

    # Steps 0-1.
    fp = sha256(canonical_inputs(inputs))
    rng = Stream(draw_key(inputs, seed_hex, outside_value))

    # Step 2.
    order = list(ids)
    for i in range(len(order) - 1, 0, -1):
        j = rng.below(i + 1)
        order[i], order[j] = order[j], order[i]

    # Step 3.
    free, zone_size = {}, {}
    for s in stalls:
        free.setdefault((s["zone_id"], s["category"]), []).append(s["stall_id"])
        zone_size[s["zone_id"]] = zone_size.get(s["zone_id"], 0) + 1
    quota = {z: n * inputs["reserved_percent"] // 100 for z, n in zone_size.items()}
    by_id = {applicant_id(a): a for a in applicants}
    placed = {}

    def take(zone, category):
        lst = free.get((zone, category))
        return lst.pop(0) if lst else None

    # Step 4.
    for aid in order:
        a = by_id[aid]
        if not a["priority"]:
            continue
        for rank, zone in distinct_zones(a["preferences"]):
            if quota.get(zone, 0) <= 0 or not free.get((zone, a["category"])):
                continue
            placed[aid] = (take(zone, a["category"]), zone, rank, True)
            quota[zone] -= 1
            break

    # Step 5.
    for aid in order:
        if aid in placed:
            continue
        a = by_id[aid]
        for rank, zone in distinct_zones(a["preferences"]):
            stall = take(zone, a["category"])
            if stall is not None:
                placed[aid] = (stall, zone, rank, False)
                break

    # Step 6.
    key = id_key(version)
    assignments = [{key: aid, "stall_id": placed[aid][0], "zone_id": placed[aid][1],
                    "preference_rank": placed[aid][2], "reserved": placed[aid][3]}
                   for aid in order if aid in placed]
    return {"algorithm": version, "fingerprint": fp.hex(), "order": order, "assignments": assignments,
            "waitlist": [aid for aid in order if aid not in placed]}


# ---------------------------------------------------------------- section 7: the four checks

def assignment_tuple(a):
    return (applicant_id(a), a["stall_id"], a["zone_id"], a["preference_rank"], a["reserved"])


def first_difference(label, published, expected):
    for i in range(max(len(published), len(expected))):
        p = published[i] if i < len(published) else "nothing"
        e = expected[i] if i < len(expected) else "nothing"
        if p != e:
            return "%s differs at position %d: published %s, recomputed %s" % (label, i + 1, p, e)
    return None


def check_record(record):
    """The four checks of section 7; returns a list of (check, problem or None)."""
    out = []
    inputs = record["inputs"]
    version = inputs_version(inputs)
    # 1. Commitment.
    try:
        c = commitment(record["seed"])
        out.append(("commitment", None if c == record["seed_commitment"] else
                    "the seed hashes to %s, not to %s" % (c, record["seed_commitment"])))
    except Refused as e:
        out.append(("commitment", str(e)))
    # 2. Fingerprint.
    if inputs["round_id"] != record["round_id"] or version != record["algorithm"]:
        out.append(("fingerprint", "the inputs belong to another round or algorithm"))
    else:
        fp = sha256(canonical_inputs(inputs)).hex()
        out.append(("fingerprint", None if fp == record["fingerprint"] else
                    "the inputs hash to %s, not to %s" % (fp, record["fingerprint"])))
    # 3. Outside value.
    ov = record.get("outside_value")
    if version == V2 and not (isinstance(ov, str) and 1 <= len(ov) <= MAX_OUTSIDE_VALUE):
        out.append(("outside value", "a v2 record needs its outside value (1-200 characters)"))
    else:
        out.append(("outside value", None))
    # 4. Result.
    res = record["result"]
    problem = None
    if res.get("algorithm") != version:
        problem = "the result is for algorithm %r" % res.get("algorithm")
    elif res.get("fingerprint") != sha256(canonical_inputs(inputs)).hex():
        problem = "the result's fingerprint differs from the inputs'"
    else:
        try:
            exp = draw(inputs, record["seed"], ov)
            problem = (first_difference("draw order", res["order"], exp["order"])
                       or first_difference("assignment", [assignment_tuple(a) for a in res["assignments"]],
                                           [assignment_tuple(a) for a in exp["assignments"]])
                       or first_difference("waitlist", res["waitlist"], exp["waitlist"]))
        except Refused as e:
            problem = "the draw is refused: %s" % e
    out.append(("result", problem))
    return out


def report(name, checks):
    ok = all(p is None for _, p in checks)
    print("%s  %s" % ("MATCH   " if ok else "MISMATCH", name))
    for check, problem in checks:
        print("    %-28s %s" % (check, "ok" if problem is None else "MISMATCH: " + problem))
    return ok


def check_vector(v):
    """A test vector: the record's four checks plus every intermediate value it quotes."""
    record = v["record"]
    inputs, seed, ov = record["inputs"], record["seed"], record.get("outside_value")
    checks = check_record(record)

    def same(label, got, want):
        checks.append((label, None if got == want else "got %r, vector has %r" % (got, want)))

    same("canonical_inputs", canonical_inputs(inputs).decode("utf-8"), v["canonical_inputs"])
    same("seed_commitment", commitment(seed), record["seed_commitment"])
    same("fingerprint", sha256(canonical_inputs(inputs)).hex(), record["fingerprint"])
    same("outside_value_sha256", None if ov is None else sha256(ov.encode("utf-8")).hex(), v["outside_value_sha256"])
    key = draw_key(inputs, seed, ov)
    same("key", key.hex(), v["key"])
    rng = Stream(key)
    same("first_random_numbers", [str(rng.next_u64()) for _ in range(len(v["first_random_numbers"]))],
         v["first_random_numbers"])
    res = draw(inputs, seed, ov)
    exp = record["result"]
    same("result.order", res["order"], exp["order"])
    same("result.assignments", [assignment_tuple(a) for a in res["assignments"]],
         [assignment_tuple(a) for a in exp["assignments"]])
    same("result.waitlist", res["waitlist"], exp["waitlist"])
    return report("vector %r" % v["name"], checks)


def self_test():
    """RFC 8439 A.1 vector 1: an all-zero key starts 76 b8 e0 ad a0 f1 3d 90."""
    assert chacha20_block(bytes(32), 0)[:8] == bytes.fromhex("76b8e0ada0f13d90")


def main(argv):
    self_test()
    if len(argv) > 1:
        with open(argv[1], encoding="utf-8") as f:
            record = json.load(f)
        ok = report("round %s (%s)" % (record.get("round_id"), record.get("algorithm")), check_record(record))
        if ok and record["inputs"].get("outside_source"):
            print("    compare the outside value %r with its source: %s"
                  % (record.get("outside_value"), record["inputs"]["outside_source"]))
    else:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "draw-vectors.json")
        with open(path, encoding="utf-8") as f:
            vectors = json.load(f)["vectors"]
        ok = all([check_vector(v) for v in vectors])
        print("all %d vectors: %s" % (len(vectors), "MATCH" if ok else "MISMATCH"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
