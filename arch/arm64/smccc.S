/* SMC Calling Convention conduit to firmware (Arm DEN 0028). */
#include "arch/asm.h"

	.text
/* int64_t arch_smc_call(fid, a1, a2, a3): SMCCC leaves x0-x17 unpredictable,
 * which the C calling convention already treats as clobbered by a call. */
FUNC(arch_smc_call)
	smc	#0
	ret
ENDFUNC(arch_smc_call)
