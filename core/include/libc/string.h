/* Freestanding stand-in for <string.h>, for libfdt's headers. */
#include "../bh_string.h"
