/* SPDX-License-Identifier: MIT */
/*
 * libxml2 plumbing shared by the GPX and TCX readers.
 */
#include <pthread.h>

#include <libxml/parser.h>

#include "io/xml_util_int.h"

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init_once(void)
{
    xmlInitParser();
}

void hm_xml__init(void)
{
    pthread_once(&xml_once, xml_init_once);
}
