/* Assembler helpers shared by the .S files. */
#ifndef ARCH_ASM_H
#define ARCH_ASM_H

#define FUNC(name)      \
	.global name;   \
	.type name, %function; \
	name:

#define ENDFUNC(name)   \
	.size name, . - name

#endif /* ARCH_ASM_H */
