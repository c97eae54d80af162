/*
 * Names and paths from the inputs that end up in generated files: each is
 * refused unless it can be written there as it is, without escaping.
 */
#define _XOPEN_SOURCE 700

#include <string.h>

#include "bhcfg.h"

/* Labels, board and configuration names end up in C string literals, symbol
 * comments and file names: keep them to a safe alphabet. */
bool name_ok(const char *s, bool allow_upper_dot)
{
	size_t n = strlen(s);

	if (n == 0 || n >= BH_CFG_NAME_LEN) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
			  ch == '_' || ch == '-';
		if (allow_upper_dot) {
			ok = ok || (ch >= 'A' && ch <= 'Z') || ch == '.';
		}
		if (!ok) {
			return false;
		}
	}
	return true;
}

/* Paths go into `.incbin "..."`: refuse anything needing escapes. */
bool path_quotable(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch < 0x20 || ch == 0x7f || ch == '"' || ch == '\\') {
			return false;
		}
	}
	return true;
}
