/* Freestanding stand-in for <stdlib.h>, for libfdt's headers. */
#include "../bh_string.h"
