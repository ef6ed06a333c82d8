# SPDX-License-Identifier: MIT
"""Test-data helpers for the HEATMAP driver tests, independent of the engine.

- WebGrid: the EPSG:3857 XYZ grid of one zoom, restricted to a block of
  tiles, with conversions between raster pixel coordinates and lon/lat (the
  spherical Web Mercator formulas, R = 6378137 m), the BOUNDS option that
  selects exactly those tiles, and the expected geotransform.
- Writers for GPX 1.1, TCX and FIT (with header and file CRC) of tracks given
  as lists of Fix, so the tests control geometry and time exactly.
- Track builders: a polyline through pixel positions walked at a constant
  speed with one fix every `step_s` seconds, and random walks.
- supercover(): a reference rasteriser in numpy, written from the definition
  ("a pixel is drawn when the segment meets it"), used to check the count
  band and the overviews; and counts() to turn per-activity masks into the
  number of distinct activities per pixel.
"""
import datetime
import math
import struct
from dataclasses import dataclass

import numpy as np

R_WEB = 6378137.0  # EPSG:3857 sphere radius, m
HALF = math.pi * R_WEB  # half the Web Mercator world width, m
R_MEAN = 6371008.8  # IUGG mean Earth radius, m (great-circle distances)
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
FIT_EPOCH = 631065600  # 1989-12-31T00:00:00Z in Unix seconds


def unix(y, m, d, hh=0, mm=0, ss=0):
    """Unix seconds of a UTC date and time."""
    t = datetime.datetime(y, m, d, hh, mm, ss, tzinfo=datetime.timezone.utc)
    return (t - EPOCH).total_seconds()


def days(y, m, d):
    """Days since 1970-01-01 of a date."""
    return (datetime.date(y, m, d) - datetime.date(1970, 1, 1)).days


def iso(t):
    """ISO 8601 UTC text of Unix seconds (whole seconds)."""
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Fix:
    lat: float  # degrees
    lon: float  # degrees
    time: float  # Unix seconds
    hr: float = None  # bpm or None


# ---------------------------------------------------------------- the web grid


class WebGrid:
    """Tiles [tx, tx + ntx) x [ty, ty + nty) of XYZ zoom `zoom`, as a raster."""

    def __init__(self, zoom, tx, ty, ntx=1, nty=1):
        self.zoom, self.tx, self.ty, self.ntx, self.nty = zoom, tx, ty, ntx, nty
        self.res = 2 * HALF / (256 * 2**zoom)  # m per pixel
        self.width, self.height = 256 * ntx, 256 * nty

    @classmethod
    def around(cls, zoom, lon, lat, ntx=1, nty=1):
        """The grid whose first tile contains (lon, lat)."""
        n = 2**zoom
        tx = int((lon + 180.0) / 360.0 * n)
        ty = int((1 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / math.pi) / 2 * n)
        return cls(zoom, tx, ty, ntx, nty)

    def geotransform(self):
        x0 = -HALF + self.tx * 256 * self.res
        y0 = HALF - self.ty * 256 * self.res
        return (x0, self.res, 0.0, y0, 0.0, -self.res)

    def lonlat(self, col, row):
        """lon, lat (degrees) of raster pixel coordinates (col, row) (floats, 0 = west/north edge)."""
        gx = col + 256 * self.tx
        gy = row + 256 * self.ty
        size = 256 * 2**self.zoom
        lon = gx / size * 360.0 - 180.0
        lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * gy / size))))
        return lon, lat

    def pixel(self, lon, lat):
        """Raster pixel coordinates (col, row) of lon/lat arrays (degrees)."""
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        x = R_WEB * np.radians(lon)
        y = R_WEB * np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))
        gt = self.geotransform()
        return (x - gt[0]) / self.res, (gt[3] - y) / self.res

    def bounds(self):
        """BOUNDS= value selecting exactly these tiles (edges 1 % of a tile inside)."""
        w, n = self.lonlat(2.56, 2.56)
        e, s = self.lonlat(self.width - 2.56, self.height - 2.56)
        return f"{w:.9f},{s:.9f},{e:.9f},{n:.9f}"

    def options(self):
        return [f"ZOOM={self.zoom}", f"BOUNDS={self.bounds()}"]

    def name(self, folder, extra=""):
        """HEATMAP: connection string for folder on this grid."""
        return f"HEATMAP:{folder}:ZOOM={self.zoom}:BOUNDS={self.bounds()}{extra}"


# ---------------------------------------------------------------- distances


def haversine(lat0, lon0, lat1, lon1):
    """Great-circle distance in m on the mean sphere."""
    p0, p1 = math.radians(lat0), math.radians(lat1)
    dp, dl = p1 - p0, math.radians(lon1 - lon0)
    a = math.sin(dp / 2) ** 2 + math.cos(p0) * math.cos(p1) * math.sin(dl / 2) ** 2
    return 2 * R_MEAN * math.asin(math.sqrt(a))


# ---------------------------------------------------------------- tracks


def polyline(grid, pixels, t0, speed=1000.0 / 300.0, step_s=10.0, hr=None):
    """Fixes along a polyline through raster pixel positions, walked at `speed` m/s.

    One fix every step_s seconds plus one at every vertex, so each vertex is
    exactly on the line. Positions in between are interpolated linearly in
    pixel space, so the drawn line is exactly the polyline.
    """
    fixes = []
    t = t0
    lon, lat = grid.lonlat(*pixels[0])
    fixes.append(Fix(lat, lon, t, hr))
    for (c0, r0), (c1, r1) in zip(pixels, pixels[1:]):
        la0, lo0 = fixes[-1].lat, fixes[-1].lon
        lo1, la1 = grid.lonlat(c1, r1)
        length = haversine(la0, lo0, la1, lo1)
        n = max(1, int(math.ceil(length / (speed * step_s))))
        for k in range(1, n + 1):
            f = k / n
            lo, la = grid.lonlat(c0 + f * (c1 - c0), r0 + f * (r1 - r0))
            prev = fixes[-1]
            t += max(1.0, round(haversine(prev.lat, prev.lon, la, lo) / speed))
            fixes.append(Fix(la, lo, t, hr))
    return fixes


def meridian_run(grid, col, row0, row1, t0, pace_s_per_km, step_s=10.0, hr=None):
    """A run due north/south along the meridian of pixel column `col`, at a constant pace.

    Fixes every step_s seconds, each exactly step_s * speed metres of
    great-circle distance (on the mean sphere) after the previous one.
    """
    lon, lat0 = grid.lonlat(col, row0)
    _, lat1 = grid.lonlat(col, row1)
    speed = 1000.0 / pace_s_per_km
    dlat = math.degrees(speed * step_s / R_MEAN) * (1 if lat1 > lat0 else -1)
    fixes, t, lat = [], t0, lat0
    while (lat1 - lat) * (1 if lat1 > lat0 else -1) >= 0:
        fixes.append(Fix(lat, lon, t, hr))
        lat += dlat
        t += step_s
    return fixes


def random_walks(grid, seed, n, nsteps, step_px, t0):
    """n random walks (random_walk) from one seeded generator, an hour apart from t0."""
    rng = np.random.default_rng(seed)
    return [random_walk(rng, grid, t0 + 3600 * i, nsteps, step_px) for i in range(n)]


def random_walk(rng, grid, t0, nsteps, step_px=(0.5, 6.0), margin=8.0, speed=3.0):
    """A random walk in raster pixel space, kept inside the grid; fixes at `speed` m/s."""
    c = rng.uniform(margin, grid.width - margin)
    r = rng.uniform(margin, grid.height - margin)
    heading = rng.uniform(0, 2 * math.pi)
    pix = [(c, r)]
    for _ in range(nsteps):
        heading += rng.normal(0, 0.6)
        d = rng.uniform(*step_px)
        nc, nr = c + d * math.cos(heading), r + d * math.sin(heading)
        if not (margin <= nc <= grid.width - margin and margin <= nr <= grid.height - margin):
            heading += math.pi
            continue
        c, r = nc, nr
        pix.append((c, r))
    fixes, t = [], t0
    for col, row in pix:
        lon, lat = grid.lonlat(col, row)
        if fixes:
            t += max(1.0, round(haversine(fixes[-1].lat, fixes[-1].lon, lat, lon) / speed))
        fixes.append(Fix(lat, lon, t))
    return fixes


# ---------------------------------------------------------------- writers


def write_gpx(path, fixes, sport=None, name="test"):
    pts = []
    for f in fixes:
        ext = ""
        if f.hr is not None:
            ext = (
                "<extensions><gpxtpx:TrackPointExtension>"
                f"<gpxtpx:hr>{int(round(f.hr))}</gpxtpx:hr>"
                "</gpxtpx:TrackPointExtension></extensions>"
            )
        pts.append(f'<trkpt lat="{f.lat!r}" lon="{f.lon!r}"><time>{iso(f.time)}</time>{ext}</trkpt>')
    typ = f"<type>{sport}</type>" if sport else ""
    doc = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="hmgen" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n'
        f"<trk><name>{name}</name>{typ}<trkseg>\n" + "\n".join(pts) + "\n</trkseg></trk></gpx>\n"
    )
    with open(path, "w", encoding="utf-8") as fp:
        fp.write(doc)


def write_tcx(path, fixes, sport="Running"):
    pts = []
    for f in fixes:
        hr = ""
        if f.hr is not None:
            hr = f"<HeartRateBpm><Value>{int(round(f.hr))}</Value></HeartRateBpm>"
        pts.append(
            f"<Trackpoint><Time>{iso(f.time)}</Time><Position>"
            f"<LatitudeDegrees>{f.lat!r}</LatitudeDegrees>"
            f"<LongitudeDegrees>{f.lon!r}</LongitudeDegrees></Position>{hr}</Trackpoint>"
        )
    start = iso(fixes[0].time)
    doc = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f'<Activities><Activity Sport="{sport}"><Id>{start}</Id><Lap StartTime="{start}"><Track>\n'
        + "\n".join(pts)
        + "\n</Track></Lap></Activity></Activities></TrainingCenterDatabase>\n"
    )
    with open(path, "w", encoding="utf-8") as fp:
        fp.write(doc)


def fit_crc(data, crc=0):
    """CRC-16/ARC as the FIT protocol specifies it (reflected 0xA001, init 0)."""
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def fit_quantize(fixes):
    """The fixes as a FIT file stores them: positions in semicircles, whole seconds."""
    q = []
    for f in fixes:
        lat = round(f.lat * 2**31 / 180.0) * 180.0 / 2**31
        lon = round(f.lon * 2**31 / 180.0) * 180.0 / 2**31
        q.append(Fix(lat, lon, float(int(f.time)), f.hr))
    return q


def write_fit(path, fixes, sport=1):
    """A FIT activity: file_id, one record per fix (time, position, HR), a session (sport)."""

    def definition(local, glob, fields):
        body = struct.pack("<BBBHB", 0x40 | local, 0, 0, glob, len(fields))
        for num, size, base in fields:
            body += struct.pack("<BBB", num, size, base)
        return body

    t0 = int(fixes[0].time) - FIT_EPOCH
    msgs = definition(0, 0, [(0, 1, 0x00), (4, 4, 0x86)])  # file_id: type, time_created
    msgs += struct.pack("<BBI", 0, 4, t0)
    msgs += definition(1, 20, [(253, 4, 0x86), (0, 4, 0x85), (1, 4, 0x85), (3, 1, 0x02)])
    for f in fixes:
        lat = int(round(f.lat * 2**31 / 180.0))
        lon = int(round(f.lon * 2**31 / 180.0))
        hr = 0xFF if f.hr is None else int(round(f.hr))
        msgs += struct.pack("<BIiiB", 1, int(f.time) - FIT_EPOCH, lat, lon, hr)
    msgs += definition(2, 18, [(253, 4, 0x86), (2, 4, 0x86), (5, 1, 0x00)])  # session
    msgs += struct.pack("<BIIB", 2, int(fixes[-1].time) - FIT_EPOCH, t0, sport)
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(msgs), b".FIT")
    header += struct.pack("<H", fit_crc(header))
    data = header + msgs
    with open(path, "wb") as fp:
        fp.write(data + struct.pack("<H", fit_crc(data)))


WRITERS = {"gpx": write_gpx, "tcx": write_tcx, "fit": write_fit}


def write_track(path, fixes, fmt=None):
    fmt = fmt or str(path).rsplit(".", 1)[-1]
    WRITERS[fmt](path, fixes)


# ---------------------------------------------------------------- reference rasteriser


def _segment_meets_boxes(x0, y0, x1, y1, bx0, by0, bx1, by1):
    """For arrays of closed boxes [bx0, bx1] x [by0, by1]: does segment (x0,y0)-(x1,y1) meet them?

    Liang-Barsky clipping of the parametric segment p(t) = p0 + t (p1 - p0),
    t in [0, 1], against each box, in double precision.
    """
    dx, dy = x1 - x0, y1 - y0
    tlo = np.zeros(bx0.shape)
    thi = np.ones(bx0.shape)
    ok = np.ones(bx0.shape, dtype=bool)
    for d, p0, lo, hi in ((dx, x0, bx0, bx1), (dy, y0, by0, by1)):
        if d == 0.0:
            ok &= (p0 >= lo) & (p0 <= hi)
            continue
        ta = (lo - p0) / d
        tb = (hi - p0) / d
        tlo = np.maximum(tlo, np.minimum(ta, tb))
        thi = np.minimum(thi, np.maximum(ta, tb))
    return ok & (tlo <= thi)


def supercover(segments, width, height, eps=0.0):
    """Pixels of a width x height grid met by any of the segments ((x0, y0, x1, y1) in pixels).

    Pixel (col, row) is the square [col, col+1] x [row, row+1] grown by eps on
    every side (eps < 0 shrinks it). With eps = -1e-6 the result is what any
    correct rasteriser must draw; with eps = +1e-6 it is all it may draw: the
    two differ only where a segment passes within 1e-6 px of a pixel edge or
    corner, where half-open pixel conventions and rounding decide.
    Returns a bool array [row, col].
    """
    mask = np.zeros((height, width), dtype=bool)
    for x0, y0, x1, y1 in segments:
        c0 = max(int(math.floor(min(x0, x1) - abs(eps))) - 1, 0)
        c1 = min(int(math.floor(max(x0, x1) + abs(eps))) + 1, width - 1)
        r0 = max(int(math.floor(min(y0, y1) - abs(eps))) - 1, 0)
        r1 = min(int(math.floor(max(y0, y1) + abs(eps))) + 1, height - 1)
        if c1 < c0 or r1 < r0:
            continue
        cols, rows = np.meshgrid(np.arange(c0, c1 + 1, dtype=float), np.arange(r0, r1 + 1, dtype=float))
        hit = _segment_meets_boxes(x0, y0, x1, y1, cols - eps, rows - eps, cols + 1 + eps, rows + 1 + eps)
        mask[r0 : r1 + 1, c0 : c1 + 1] |= hit
    return mask


def track_segments(grid, fixes, level=0):
    """Segments of a track in raster pixel coordinates of overview `level`."""
    cols, rows = grid.pixel([f.lon for f in fixes], [f.lat for f in fixes])
    s = 2.0**level
    cols, rows = cols / s, rows / s
    return [(cols[i], rows[i], cols[i + 1], rows[i + 1]) for i in range(len(fixes) - 1)]


def counts(grid, tracks, level=0, eps=0.0):
    """Distinct activities per pixel of overview `level`, by the reference rasteriser."""
    w = -(-grid.width // 2**level)
    h = -(-grid.height // 2**level)
    total = np.zeros((h, w), dtype=np.int32)
    for fixes in tracks:
        total += supercover(track_segments(grid, fixes, level), w, h, eps)
    return total


def line_mask(shape, rows=(), cols=()):
    """Pixels of horizontal runs (row, c0, c1) and vertical runs (col, r0, r1), ends included."""
    m = np.zeros(shape, dtype=bool)
    for r, c0, c1 in rows:
        m[r, min(c0, c1) : max(c0, c1) + 1] = True
    for c, r0, r1 in cols:
        m[min(r0, r1) : max(r0, r1) + 1, c] = True
    return m
