/* SPDX-License-Identifier: MIT */
/*
 * What GPX and TCX share on top of libxml2: one-time parser initialisation
 * and the hardened SAX2 push-parser setup (no network, no entity
 * substitution, no DTD loading), so both readers are equally safe.
 */
#ifndef HM_IO_XML_UTIL_INT_H
#define HM_IO_XML_UTIL_INT_H

/* Initialise libxml2 once per process (thread-safe). Never paired with
 * xmlCleanupParser(): a plugin cannot know who else uses libxml2. */
void hm_xml__init(void);

#endif /* HM_IO_XML_UTIL_INT_H */
