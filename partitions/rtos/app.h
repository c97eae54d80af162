/*
 * The application on top of the kernel: start-up self-tests (selftest.c),
 * then the demo (demo.c).
 */
#ifndef RTOS_APP_H
#define RTOS_APP_H

/* Priorities (larger runs first). */
#define PRIO_CONTROL 30
#define PRIO_SELFTEST 28
#define PRIO_RX 24
#define PRIO_REPORT 20
#define PRIO_HEARTBEAT 16
#define PRIO_OVERFLOW 12
#define PRIO_BACKGROUND 4

/* Creates the self-test task, which starts the demo when it is done. */
void app_init(void);
void demo_start(void);

#endif
