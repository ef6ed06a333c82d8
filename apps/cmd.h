/* SPDX-License-Identifier: MIT */
/*
 * The subcommands of the `heatmap` tool, one file each (apps/cmd_<verb>.c).
 * Each takes the arguments after its own name (argv[0] is the verb) and
 * returns the process exit code: 0 ok, 1 error, 2 usage.
 */
#ifndef HM_APPS_CMD_H
#define HM_APPS_CMD_H

#define HM_EXIT_OK 0
#define HM_EXIT_ERROR 1
#define HM_EXIT_USAGE 2

int hm_cmd_info(int argc, char **argv);
int hm_cmd_index(int argc, char **argv);
int hm_cmd_render(int argc, char **argv);
int hm_cmd_tiles(int argc, char **argv);
int hm_cmd_descriptor(int argc, char **argv);

/* Print "heatmap: <msg>" to stderr. */
void hm_app_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#endif /* HM_APPS_CMD_H */
