// SPDX-License-Identifier: MIT
//
// What GDAL needs before it opens anything: the connection prefix, Identify()
// and the driver metadata (including the OpenOptionList generated from the
// engine's option table). Kept apart from the dataset so that identification
// stays a cheap check of a prefix or a file header, as in GDAL's
// *drivercore.cpp files.

#ifndef HEATMAPDRIVERCORE_H
#define HEATMAPDRIVERCORE_H

#include "gdal_priv.h"

#include <heatmap.h>

//! Prefix of connection strings: HEATMAP:<path>[:KEY=VALUE[:KEY=VALUE...]] (the engine's
//! HM_CONNECTION_PREFIX, the one definition).
constexpr const char *HEATMAP_PREFIX = HM_CONNECTION_PREFIX;

//! Driver short name.
constexpr const char *HEATMAP_DRIVER_NAME = "HEATMAP";

//! TRUE for a HEATMAP: connection string or a descriptor file (by its root element).
int HEATMAPDriverIdentify(GDALOpenInfo *poOpenInfo);

//! Set the driver's metadata items (names, capabilities, open options).
void HEATMAPDriverSetCommonMetadata(GDALDriver *poDriver);

extern "C" __attribute__((visibility("default"))) void GDALRegister_HEATMAP();

#endif // HEATMAPDRIVERCORE_H
