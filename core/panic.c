/* panic(): a hypervisor invariant broke; report and stop this core. */
#include <stdarg.h>

#include "arch.h"
#include "check.h"
#include "fmt.h"
#include "log.h"

void panic_at(const char *file, int line, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	bh_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_raw("bulkhead: PANIC on core %u at %s:%d: %s\n", arch_core_id(), file, line, msg);
	log_raw("bulkhead: core %u stopped\n", arch_core_id());
	arch_halt_core();
}
