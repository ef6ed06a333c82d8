/* SPDX-License-Identifier: MIT */
/*
 * `heatmap`: one tool, one subcommand per file. This file only dispatches.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

typedef struct command {
    const char *name;             /* verb on the command line */
    int (*run)(int, char **);     /* entry point */
    const char *summary;          /* one line for --help */
} command;

static const command commands[] = {
    {"info", hm_cmd_info, "list the activity files in a folder with their contents"},
    {"index", hm_cmd_index, "build or update the track store of a folder"},
    {"render", hm_cmd_render, "draw a styled heatmap into one PNG"},
    {"tiles", hm_cmd_tiles, "write an XYZ tile pyramid of PNGs with a viewer page"},
    {"descriptor", hm_cmd_descriptor, "write a descriptor file that GDAL tools can open"},
};

static void usage(FILE *out)
{
    size_t i;

    fprintf(out, "usage: heatmap <command> [options]\n\ncommands:\n");
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun 'heatmap <command> --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
    size_t i;

    if (argc < 2) {
        usage(stderr);
        return HM_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return HM_EXIT_OK;
    }
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    hm_app_error("unknown command '%s'", argv[1]);
    usage(stderr);
    return HM_EXIT_USAGE;
}
