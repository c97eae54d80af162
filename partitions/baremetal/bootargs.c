/*
 * The baremetal guest's bootargs: space-separated tokens, each a flag or
 * key=value; anything unknown is ignored.
 */
#include "bm.h"
#include "bootargs.h"

#define BM_DEFAULT_AT 3
#define BM_MAX_HB_MS 3600000U        /* one hour; keeps ms * freq in 64 bits */

struct bm_cmd cmd;

/* ---- bootargs ----------------------------------------------------------- */

static bool key_is(const char *tok, uint32_t toklen, const char *key, uint32_t *vlen,
                   const char **val)
{
    uint32_t k = (uint32_t)strnlen(key, BM_NAME_MAX);

    if (toklen <= k || !bm_startswith(tok, key) || tok[k] != '=') {
        return false;
    }
    *val = tok + k + 1;
    *vlen = toklen - k - 1;
    return true;
}

static void parse_token(const char *tok, uint32_t len)
{
    const char *val;
    uint32_t vlen;
    uint64_t v;

    if (len == 3 && bm_startswith(tok, "smp")) {
        cmd.smp = true;
    } else if (len == 2 && bm_startswith(tok, "ts")) {
        cmd.timestamp = true;
    } else if (key_is(tok, len, "name", &vlen, &val)) {
        bm_strlcpy_n(cmd.name, sizeof(cmd.name), val, vlen);
    } else if (key_is(tok, len, "hb", &vlen, &val)) {
        if (bm_parse_u64(val, vlen, false, &v) && v <= BM_MAX_HB_MS) {
            cmd.hb_ms = (uint32_t)v;
        } else {
            bm_print("ignoring bad hb value");
        }
    } else if (key_is(tok, len, "on", &vlen, &val)) {
        if (bm_parse_u64(val, vlen, false, &v) && v < BM_MAX_CPUS) {
            cmd.on = (uint32_t)v;
        } else {
            bm_print("ignoring bad on value");
        }
    } else if (key_is(tok, len, "at", &vlen, &val)) {
        if (bm_parse_u64(val, vlen, false, &v) && v > 0) {
            cmd.at = v;
        } else {
            bm_print("ignoring bad at value");
        }
    } else if (len == 3 && bm_startswith(tok, "irq")) {
        cmd.irq = true;
    } else if (key_is(tok, len, "tick", &vlen, &val)) {
        if (bm_parse_u64(val, vlen, false, &v) && v > 0 && v <= BM_MAX_HB_MS) {
            cmd.tick_ms = (uint32_t)v;
            cmd.irq = true;
        } else {
            bm_print("ignoring bad tick value");
        }
    } else if (key_is(tok, len, "ptick", &vlen, &val)) {
        if (bm_parse_u64(val, vlen, false, &v) && v > 0 && v <= BM_MAX_HB_MS) {
            cmd.ptick_ms = (uint32_t)v;
            cmd.irq = true;
        } else {
            bm_print("ignoring bad ptick value");
        }
    } else if (key_is(tok, len, "act", &vlen, &val)) {
        bm_strlcpy_n(cmd.act, sizeof(cmd.act), val, vlen);
        cmd.have_act = vlen > 0;
    }
    /* Anything else belongs to someone else (or is a typo): ignore it. */
}

void parse_bootargs(const char *args)
{
    uint32_t i = 0;

    bm_strlcpy_n(cmd.name, sizeof(cmd.name), "native", BM_NAME_MAX);
    cmd.at = BM_DEFAULT_AT;
    while (args[i] != '\0') {
        uint32_t start;

        while (args[i] == ' ' || args[i] == '\t') {
            i++;
        }
        start = i;
        while (args[i] != '\0' && args[i] != ' ' && args[i] != '\t') {
            i++;
        }
        if (i > start) {
            parse_token(args + start, i - start);
        }
    }
}
