#ifndef PARLEY_CNCURSESW_SHIM_H
#define PARLEY_CNCURSESW_SHIM_H

/* Wide-character ncurses: these must come before the curses header or cchar_t, get_wch, setcchar
   and friends are not declared. */
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1

#include <locale.h>
#include <wchar.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <langinfo.h>
#include <ncursesw/curses.h>

extern int wcwidth(wchar_t c);

/* The C library's idea of a character's width, in the current locale (what curses will use). */
static inline int parley_wcwidth(unsigned int c) { return wcwidth((wchar_t)c); }

/* The current locale's character set name ("UTF-8" when wide text works). */
static inline const char *parley_codeset(void) { return nl_langinfo(CODESET); }

/* Swift 6 rejects the C globals and cannot import function-like macros: tiny accessors instead. */
static inline WINDOW *parley_stdscr(void) { return stdscr; }
static inline int parley_lines(void) { return LINES; }
static inline int parley_cols(void) { return COLS; }
static inline int parley_colors(void) { return COLORS; }
static inline int parley_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t parley_a_bold(void) { return A_BOLD; }
static inline attr_t parley_a_italic(void) { return A_ITALIC; }
static inline attr_t parley_a_underline(void) { return A_UNDERLINE; }
static inline attr_t parley_a_reverse(void) { return A_REVERSE; }
static inline attr_t parley_a_dim(void) { return A_DIM; }
static inline attr_t parley_a_normal(void) { return A_NORMAL; }

/* The terminal's size as the kernel knows it (after SIGWINCH curses' own LINES/COLS are stale). */
static inline int parley_window_size(int fd, int *rows, int *cols) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return -1;
    *rows = ws.ws_row;
    *cols = ws.ws_col;
    return 0;
}

/* Signals: a handler may only do async-signal-safe things, so it writes the signal's number into a
   pipe the input loop watches. */
/* State lives in function-local statics: Swift's importer does not emit a header's static variables. */
struct parley_terminal_state {
    int signal_fd;
    int tty_fd;
    int saved_modes_valid;
    struct termios saved_modes;
};

static inline struct parley_terminal_state *parley_state(void) {
    static struct parley_terminal_state state = {-1, 1, 0};
    return &state;
}

static void parley_signal_to_pipe(int number) {
    int fd = parley_state()->signal_fd;
    if (fd >= 0) {
        unsigned char byte = (unsigned char)number;
        ssize_t ignored = write(fd, &byte, 1);
        (void)ignored;
    }
}

static inline int parley_forward_signal(int number, int fd) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    parley_state()->signal_fd = fd;
    action.sa_handler = parley_signal_to_pipe;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    return sigaction(number, &action, NULL);
}

static inline void parley_default_signal(int number) { signal(number, SIG_DFL); }

/* A crash must still give the user their terminal back: the saved terminal modes are restored and
   a fixed reset string is written (both async-signal-safe), then the signal takes its normal course. */
static const char parley_reset_sequence[] =
    "\033[?1000l\033[?1006l\033[?2004l\033[0m\033[?25h\033[?1049l\r\n";

static inline void parley_emergency_restore(void) {
    struct parley_terminal_state *state = parley_state();
    if (state->saved_modes_valid) tcsetattr(state->tty_fd, TCSANOW, &state->saved_modes);
    ssize_t ignored = write(state->tty_fd, parley_reset_sequence, sizeof parley_reset_sequence - 1);
    (void)ignored;
}

static void parley_crash_handler(int number) {
    parley_emergency_restore();
    signal(number, SIG_DFL);
    raise(number);
}

static inline void parley_install_crash_restore(int tty_fd) {
    struct parley_terminal_state *state = parley_state();
    state->tty_fd = tty_fd;
    if (tcgetattr(tty_fd, &state->saved_modes) == 0) state->saved_modes_valid = 1;
    int crashes[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
    for (unsigned i = 0; i < sizeof crashes / sizeof crashes[0]; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = parley_crash_handler;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESETHAND;
        sigaction(crashes[i], &action, NULL);
    }
}

static inline void parley_remove_crash_restore(void) {
    int crashes[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
    for (unsigned i = 0; i < sizeof crashes / sizeof crashes[0]; i++) signal(crashes[i], SIG_DFL);
    parley_state()->saved_modes_valid = 0;
}

#endif
