# Hex helpers shared by the awk programs of check_elf.sh and
# check_crash_log.sh (prepended to each program's text: mawk has no -e).
# hex("0x1F") -> 31 (-1 if not hex); h(31) -> "0x0000001f".
function hex(s,    i, c, v) {
    s = tolower(s)
    sub(/^0x/, "", s)
    v = 0
    for (i = 1; i <= length(s); i++) {
        c = index("0123456789abcdef", substr(s, i, 1))
        if (c == 0)
            return -1
        v = v * 16 + c - 1
    }
    return v
}
function h(v,    s, d) {
    s = ""
    do {
        d = v % 16
        s = substr("0123456789abcdef", d + 1, 1) s
        v = (v - d) / 16
    } while (v > 0)
    while (length(s) < 8)
        s = "0" s
    return "0x" s
}
