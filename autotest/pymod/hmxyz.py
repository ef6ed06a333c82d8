# SPDX-License-Identifier: MIT
"""XYZ tile references for the tile and client tests, independent of the engine.

- world(): lon/lat to Web Mercator world coordinates at a zoom, in tiles
  (the OpenStreetMap "slippy map" formulas).
- tiles_met(): the set of XYZ tiles (z, x, y) that the segments of a set of
  tracks meet, by Liang-Barsky clipping of each segment against each tile
  box near it (hmgen._segment_meets_boxes). Each tile is grown by eps
  pixels: eps < 0 gives the tiles any correct renderer must draw into,
  eps > 0 all it may draw into; they differ only where a segment passes
  within |eps| of a tile edge.
- grid_size(): the size in pixels of the tile-aligned grid covering an
  extent at a zoom, as `heatmap render` documents it.
- png_rgba(): a PNG read back through GDAL's PNG driver as (4, h, w) uint8.
"""
import math

import numpy as np

import hmgen


def world(lon, lat, zoom):
    """(x, y) in tiles of zoom `zoom`, x east, y south, for lon/lat arrays in degrees."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    n = 2.0**zoom
    x = (lon + 180.0) / 360.0 * n
    y = (1.0 - np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) / np.pi) / 2.0 * n
    return x, y


def tiles_met(tracks, zoom, eps_px=0.0):
    """{(zoom, x, y)} of tiles met by the segments of tracks (lists of hmgen.Fix)."""
    eps = eps_px / 256.0
    out = set()
    for fixes in tracks:
        x, y = world([f.lon for f in fixes], [f.lat for f in fixes], zoom)
        for i in range(len(fixes) - 1):
            x0, y0, x1, y1 = x[i], y[i], x[i + 1], y[i + 1]
            c0 = int(math.floor(min(x0, x1) - abs(eps))) - 1
            c1 = int(math.floor(max(x0, x1) + abs(eps))) + 1
            r0 = int(math.floor(min(y0, y1) - abs(eps))) - 1
            r1 = int(math.floor(max(y0, y1) + abs(eps))) + 1
            cols, rows = np.meshgrid(np.arange(c0, c1 + 1, dtype=float), np.arange(r0, r1 + 1, dtype=float))
            hit = hmgen._segment_meets_boxes(
                x0, y0, x1, y1, cols - eps, rows - eps, cols + 1 + eps, rows + 1 + eps
            )
            for c, r in zip(cols[hit], rows[hit]):
                out.add((zoom, int(c), int(r)))
    return out


def grid_size(west, south, east, north, zoom, exact):
    """(width, height) in pixels of the whole tiles covering an extent in degrees.

    exact=True is for BOUNDS (edges already on a tile line stay there);
    exact=False for a data extent (a point on a tile line belongs to the
    tile east/south of it, as pixels are half-open).
    """
    (x0, x1), (y1, y0) = world([west, east], [south, north], zoom)  # y grows southwards
    if exact:
        tx = math.ceil(x1 - 1e-6) - math.floor(x0 + 1e-6)
        ty = math.ceil(y1 - 1e-6) - math.floor(y0 + 1e-6)
    else:
        tx = math.floor(x1) + 1 - math.floor(x0)
        ty = math.floor(y1) + 1 - math.floor(y0)
    return 256 * max(tx, 1), 256 * max(ty, 1)


def auto_zoom(west, south, east, north, width, height, exact):
    """The largest zoom (0-22) whose grid of the extent fits in width x height (zoom 0 always)."""
    for z in range(22, 0, -1):
        w, h = grid_size(west, south, east, north, z, exact)
        if w <= width and h <= height:
            return z
    return 0


def png_rgba(path):
    """A PNG as a (4, h, w) uint8 array, expanding a palette and adding an opaque alpha if absent."""
    from osgeo import gdal

    ds = gdal.Open(str(path))
    if ds.RasterCount == 1 and ds.GetRasterBand(1).GetColorTable() is not None:
        idx = ds.GetRasterBand(1).ReadAsArray()
        ct = ds.GetRasterBand(1).GetColorTable()
        lut = np.array([ct.GetColorEntry(i) for i in range(ct.GetCount())] + [(0, 0, 0, 0)] * (256 - ct.GetCount()),
                       dtype=np.uint8)
        return np.moveaxis(lut[idx], -1, 0)
    arr = ds.ReadAsArray()
    if arr.ndim == 2:
        arr = arr[None]
    if arr.shape[0] == 3:
        arr = np.concatenate([arr, np.full((1,) + arr.shape[1:], 255, np.uint8)])
    if arr.shape[0] == 2:  # grey + alpha
        arr = np.stack([arr[0], arr[0], arr[0], arr[1]])
    return arr.astype(np.uint8)
