/* SPDX-License-Identifier: MIT */
/*
 * gdal-heatmap public C API: the only header apps/ and driver/ include.
 * Layers, in data-flow order: common (context, errors), util (UTF-8,
 * integers and ISO 8601 times as the engine reads and writes them),
 * activity (tracks as read), io (readers and folder collections), raster
 * (options, the lazily rendered multi-level heatmap raster), source (the
 * track store a raster is drawn from: its catalog and how it was brought up
 * to date), style (colour: RGBA/palette, PNG).
 */
#ifndef HEATMAP_H
#define HEATMAP_H

#include "heatmap/common.h"
#include "heatmap/util.h"
#include "heatmap/activity.h"
#include "heatmap/io.h"
#include "heatmap/raster.h"
#include "heatmap/source.h"
#include "heatmap/style.h"

#endif /* HEATMAP_H */
