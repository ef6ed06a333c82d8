# SPDX-License-Identifier: MIT
"""Activities as data: a Strava export as downloaded, the sport vocabulary, WHERE,
privacy zones and trimmed ends, duplicates.

Every expectation comes from the test itself: the export is built here (its
activities.csv written with Python's csv module and read back with it, the
tracks placed on known pixel rows), sports come from MANIFEST.md and a raw
scan of the files, privacy cuts are computed from the geometry (haversine on
the mean sphere, bisection on the straight Web Mercator segment), and a
selection is read off the count band: activity k draws pixel row ROW[k] only.
"""
import csv
import gzip
import io
import math
import os
import re
import shutil
import zipfile

import numpy as np
import pytest
from osgeo import gdal

import hmgen
from hmtest import info_json

pytestmark = pytest.mark.require_driver("HEATMAP")

GRID = hmgen.WebGrid.around(14, 14.5, 46.05, 2, 2)
PROBE_COL = 100  # every activity's line crosses this column


# ---------------------------------------------------------------- the Strava export

# One activity per pixel row: id, start, name, Strava type (English, German), gear, commute,
# file format, gzip, row, last column of its line.
ACTS = [
    dict(id=1001, start=hmgen.unix(2021, 6, 1, 7), name="Morning Ride", type=("Ride", "Radfahrt"),
         gear="Gravel Bike Canyon", commute=False, fmt="fit", gz=True, row=20, c1=480),
    dict(id=1002, start=hmgen.unix(2021, 6, 2, 12), name='Lunch Run, with "friends"\nand a second line',
         type=("Run", "Lauf"), gear="Shoes A", commute=False, fmt="gpx", gz=True, row=40, c1=300),
    dict(id=1003, start=hmgen.unix(2022, 3, 3, 17), name="Commute home", type=("Ride", "Radfahrt"),
         gear="City Bike", commute=True, fmt="tcx", gz=True, row=60, c1=400),
    dict(id=1004, start=hmgen.unix(2022, 7, 4, 9), name="Evening Hike", type=("Hike", "Wanderung"),
         gear="", commute=False, fmt="gpx", gz=False, row=80, c1=200),
    dict(id=1005, start=hmgen.unix(2023, 5, 5, 8), name="Gravel adventure",
         type=("Gravel Ride", "Gravel-Radfahrt"), gear="Gravel Bike Canyon", commute=False, fmt="fit",
         gz=True, row=100, c1=450),
]  # fmt: skip
# A manual activity: a row without a file.
MANUAL = dict(id=1006, start=hmgen.unix(2023, 1, 1, 6), name="Treadmill", type=("Run", "Lauf"),
              gear="Shoes A", commute=False)  # fmt: skip
# A file without a row: its own name and sport.
ORPHAN = dict(id=9999, start=hmgen.unix(2023, 8, 1, 10), name="Orphan ride", row=120, c1=350)
CANONICAL = {"Ride": ("cycling", ""), "Run": ("running", ""), "Hike": ("hiking", ""),
             "Gravel Ride": ("cycling", "gravel")}  # fmt: skip

HEADER_EN = ["Activity ID", "Activity Date", "Activity Name", "Activity Type", "Activity Description",
             "Elapsed Time", "Distance", "Max Heart Rate", "Commute", "Activity Private Note",
             "Activity Gear", "Filename", "Athlete Weight", "Elapsed Time", "Moving Time", "Distance",
             "Commute"]  # fmt: skip
HEADER_DE = ["Aktivitäts-ID", "Aktivitätsdatum", "Name der Aktivität", "Aktivitätsart",
             "Beschreibung der Aktivität", "Verstrichene Zeit", "Distanz", "Maximale Herzfrequenz",
             "Pendeln", "Private Notiz zur Aktivität", "Aktivitätsausrüstung", "Dateiname",
             "Gewicht des Athleten", "Verstrichene Zeit", "Bewegungszeit", "Distanz", "Pendeln"]  # fmt: skip


def fixes_of(act):
    return hmgen.polyline(GRID, [(20.5, act["row"] + 0.5), (act["c1"] + 0.5, act["row"] + 0.5)], act["start"])


def track_length_m(fixes):
    return sum(hmgen.haversine(a.lat, a.lon, b.lat, b.lon) for a, b in zip(fixes, fixes[1:]))


def file_name(act):
    return f"activities/{act['id']}.{act['fmt']}" + (".gz" if act["gz"] else "")


def write_file(folder, rel, data):
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if rel.endswith(".gz"):
        data = gzip.compress(data)
    path.write_bytes(data)


def track_bytes(act, tmp):
    """The activity's file as its device would write it (via hmgen's writers)."""
    fixes = fixes_of(act)
    path = tmp / f"scratch.{act['fmt']}"
    if act["fmt"] == "fit":
        hmgen.write_fit(path, fixes, sport=2)  # FIT cycling; the table may say otherwise
    elif act["fmt"] == "tcx":
        hmgen.write_tcx(path, fixes, sport="Biking")
    else:
        hmgen.write_gpx(path, fixes, name="from the device")
    data = path.read_bytes()
    path.unlink()
    return data


def csv_rows(lang):
    """The table's rows (header first), Strava style: repeated columns in other units."""
    rows = [HEADER_EN if lang == "en" else HEADER_DE]
    for act in ACTS + [MANUAL]:
        dist_m = track_length_m(fixes_of(act)) if "row" in act else 5000.0
        elapsed = 1800 + act["id"]  # distinct, so a WHERE on it has a known answer
        rows.append([
            str(act["id"]), hmgen.iso(act["start"]), act["name"], act["type"][0 if lang == "en" else 1],
            "", str(elapsed), f"{dist_m / 1000:.2f}", "", "true" if act["commute"] else "false",
            "note, with a comma", act["gear"], file_name(act) if "row" in act else "", "70",
            f"{float(elapsed):.1f}", f"{float(elapsed - 60):.1f}", f"{dist_m:.1f}",
            "1.0" if act["commute"] else "0.0",
        ])  # fmt: skip
    return rows


def build_export(folder, lang="en"):
    """The extracted export: activities.csv and activities/<id>.<fmt>[.gz]."""
    folder.mkdir(parents=True)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(csv_rows(lang))
    (folder / "activities.csv").write_text(buf.getvalue(), encoding="utf-8")
    for act in ACTS:
        write_file(folder, file_name(act), track_bytes(act, folder))
    orphan = fixes_of(ORPHAN)
    hmgen.write_gpx(folder / "activities" / "9999.gpx", orphan, sport="cycling", name=ORPHAN["name"])
    # What a real export also holds: planned routes (not activities) and media.
    (folder / "routes").mkdir()
    hmgen.write_gpx(folder / "routes" / "1.gpx", fixes_of(dict(row=200, c1=400, start=ACTS[0]["start"])))
    return folder


def zip_export(folder, zpath):
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                z.write(p, p.relative_to(folder).as_posix())
    return zpath


def drawn_rows(src, extra="", open_options=()):
    """The pixel rows with a count at PROBE_COL, and the activity count the metadata gives."""
    ds = gdal.OpenEx(GRID.name(src, ":BANDS=count" + extra), gdal.OF_RASTER, open_options=list(open_options))
    count = ds.GetRasterBand(1).ReadAsArray()
    rows = {int(r) for r in np.flatnonzero(count[:, PROBE_COL] > 0)}
    return rows, int(ds.GetMetadataItem("HEATMAP_ACTIVITIES"))


def ids_of_rows(rows):
    by_row = {a["row"]: a["id"] for a in ACTS + [ORPHAN]}
    assert rows <= set(by_row), rows
    return {by_row[r] for r in rows}


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    base = tmp_path_factory.mktemp("export")
    folder = build_export(base / "export_12345")
    zpath = zip_export(folder, base / "export_12345.zip")
    de = build_export(base / "export_de", "de")
    return dict(folder=folder, zip=zpath, de=de)


def test_export_csv_is_what_strava_writes(export):
    """The fixture itself: repeated columns, a quoted multi-line name, a manual row."""
    with open(export["folder"] / "activities.csv", newline="", encoding="utf-8") as fp:
        rows = list(csv.reader(fp))
    assert rows[0].count("Elapsed Time") == 2 and rows[0].count("Distance") == 2
    assert "\n" in rows[2][2] and '"' in rows[2][2] and "," in rows[2][2]
    assert rows[-1][11] == ""  # the manual activity has no file
    raw = (export["folder"] / "activities.csv").read_text(encoding="utf-8")
    assert '"Lunch Run, with ""friends""\nand a second line"' in raw


@pytest.mark.parametrize("which", ["folder", "zip", "de"])
def test_export_joined(export, heatmap_bin, which):
    src = export[which] if which != "zip" else f"/vsizip/{export['zip']}"
    doc = info_json(heatmap_bin, src)
    by_id = {}
    for f in doc["files"]:
        m = re.search(r"activities/(\d+)\.", f["path"])
        assert m, f["path"]  # only activities/: the export's routes/ are not activities
        by_id[int(m.group(1))] = f
    assert set(by_id) == {a["id"] for a in ACTS} | {ORPHAN["id"]}
    for act in ACTS:
        f = by_id[act["id"]]
        assert f["error"] is None, f
        assert f["name"] == act["name"]  # the table's, multi-line, quotes and comma included
        assert f["sport"] == CANONICAL[act["type"][0]][0]
    assert by_id[ORPHAN["id"]]["name"] == ORPHAN["name"]  # no row: the file's own
    assert by_id[ORPHAN["id"]]["sport"] == "cycling"
    rows, n = drawn_rows(src)
    assert n == len(ACTS) + 1 and ids_of_rows(rows) == {a["id"] for a in ACTS} | {ORPHAN["id"]}


def where_ids(src, expr):
    rows, n = drawn_rows(src, open_options=[f"WHERE={expr}"])  # an SQL name may hold '"' 
    ids = ids_of_rows(rows)
    assert n == len(ids)
    return ids


def table_by_id(folder):
    """The export's table read back with Python's csv module: {id: {column: value}}."""
    with open(folder / "activities.csv", newline="", encoding="utf-8") as fp:
        rows = list(csv.reader(fp))
    header = rows[0]
    out = {}
    for r in rows[1:]:
        seen, rec = {}, {}
        for name, value in zip(header, r):
            seen[name] = seen.get(name, 0) + 1
            rec[name if seen[name] == 1 else f"{name}_{seen[name]}"] = value
        out[int(r[0])] = rec
    return out


def sport_of(t):
    """The canonical sport an activity should have: its table type's, or the orphan's GPX type."""
    return CANONICAL[t["Activity Type"]][0] if t else "cycling"


WHERE_CASES = [
    # expression, expected from the table (t: the csv record or None, a: the test's activity)
    ("sport = 'cycling'", lambda t, a: sport_of(t) == "cycling"),
    ("sub_sport = 'gravel'", lambda t, a: t and t["Activity Type"] == "Gravel Ride"),
    ("source_sport = 'Ride'", lambda t, a: t and t["Activity Type"] == "Ride"),
    ("gear LIKE '%gravel%'", lambda t, a: t and "gravel" in t["Activity Gear"].lower()),
    ("commute", lambda t, a: t and t["Commute"] == "true"),
    ("sport = 'cycling' AND gear LIKE '%gravel%' AND NOT commute",
     lambda t, a: t and sport_of(t) == "cycling" and "gravel" in t["Activity Gear"].lower()
     and t["Commute"] != "true"),
    ("name LIKE 'Lunch Run%'", lambda t, a: t and t["Activity Name"].startswith("Lunch Run")),
    ("year = 2022", lambda t, a: hmgen.iso(a["start"]).startswith("2022")),
    ("start >= '2022-07-01'", lambda t, a: hmgen.iso(a["start"]) >= "2022-07-01"),
    ("format = 'fit'", lambda t, a: a.get("fmt") == "fit"),
    ("file LIKE '%.tcx.gz'", lambda t, a: a.get("fmt") == "tcx"),
    ("id = 1004", lambda t, a: a["id"] == 1004),
    ("distance_km > 2.5", lambda t, a: track_length_m(fixes_of(a)) / 1000 > 2.5),
    ('"Activity ID" IN (1001, 1003)', lambda t, a: t and int(t["Activity ID"]) in (1001, 1003)),
    ('"Elapsed Time_2" > 2803', lambda t, a: t and float(t["Elapsed Time_2"]) > 2803),
    ('"Activity Gear" = \'Shoes A\'', lambda t, a: t and t["Activity Gear"] == "Shoes A"),
    ("gear IS NULL", lambda t, a: not t or not t["Activity Gear"]),
    ("virtual = 0 AND duration_s > 0 AND moving_s > 0", lambda t, a: True),
]  # fmt: skip


@pytest.mark.parametrize("expr,want", WHERE_CASES, ids=[c[0] for c in WHERE_CASES])
def test_where_selects_exactly(export, expr, want):
    table = table_by_id(export["folder"])
    expected = {a["id"] for a in ACTS + [ORPHAN] if want(table.get(a["id"]), a)}
    assert expected, "a case that selects nothing proves little"
    assert where_ids(export["folder"], expr) == expected


def test_where_german_export(export):
    """The German table gives the same fields: canonical sports, gear, commute."""
    assert where_ids(export["de"], "sport = 'cycling' AND NOT commute") == {1001, 1005, ORPHAN["id"]}
    assert where_ids(export["de"], "gear = 'City Bike' AND commute") == {1003}
    assert where_ids(export["de"], '"Aktivitäts-ID" = 1002') == {1002}


def test_sport_option_through_the_vocabulary(export):
    assert ids_of_rows(drawn_rows(export["folder"], ":SPORT=Ride")[0]) == {1001, 1003, 1005, 9999}
    assert ids_of_rows(drawn_rows(export["folder"], ":SPORT=gravel ride")[0]) == {1005}
    assert ids_of_rows(drawn_rows(export["de"], ":SPORT=Wanderung")[0]) == {1004}


@pytest.mark.parametrize("expr,why", [
    ("1; DROP TABLE activities", "one expression"),
    ("(SELECT count(*) FROM sqlite_master) >= 0", "not authorized"),
    ("load_extension('/tmp/x.so') IS NULL", "not authorized"),
    ("length(randomblob(2000000)) > 0", "too big"),
    ("(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c) > 0", ""),
    ("sport = ", "incomplete input"),
    ("no_such_column = 1", "no such column: no_such_column"),
])  # fmt: skip
def test_where_can_only_read(export, expr, why):
    with pytest.raises(RuntimeError, match=r"WHERE=.*" + re.escape(why)):
        gdal.OpenEx(f"HEATMAP:{export['folder']}", gdal.OF_RASTER, open_options=[f"WHERE={expr}"])


def test_table_change_rejoins_without_reading_tracks(export, tmp_path, heatmap_bin):
    folder = tmp_path / "e"
    shutil.copytree(export["folder"], folder)
    assert where_ids(folder, "gear = 'City Bike'") == {1003}
    table = (folder / "activities.csv").read_text(encoding="utf-8").replace("City Bike", "Cargo Bike")
    (folder / "activities.csv").write_text(table, encoding="utf-8")
    st = os.stat(folder / "activities.csv")
    os.utime(folder / "activities.csv", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    ds = gdal.Open(GRID.name(folder, ":BANDS=count"))
    assert ds.GetMetadataItem("STORE_STATE", "HEATMAP_STORE") == "written"
    assert ds.GetMetadataItem("FILES_READ", "HEATMAP_STORE") == "0"  # joined again, not re-read
    ds = None
    assert where_ids(folder, "gear = 'Cargo Bike'") == {1003}


def test_activities_csv_option(export, tmp_path):
    """ACTIVITIES_CSV joins a table kept elsewhere to a folder of bare tracks."""
    bare = tmp_path / "bare"
    shutil.copytree(export["folder"] / "activities", bare)
    assert where_ids(bare, "gear IS NULL") == {a["id"] for a in ACTS} | {9999}
    rows, _ = drawn_rows(bare, f":ACTIVITIES_CSV={export['folder'] / 'activities.csv'}:WHERE=commute")
    assert ids_of_rows(rows) == {1003}


# ---------------------------------------------------------------- sports of the corpus

# TCX Sport values; FIT's "generic" is the vocabulary's "other"; other FIT names are canonical.
TCX_WORDS = {"Biking": "cycling", "Running": "running", "Other": "other", "generic": "other",
             "fitness_equipment/indoor_rowing": "rowing"}
GPX_WORDS = {"cycling": "cycling", "running": "running", "17": "cycling", "9": "running", "1": "cycling"}


def manifest_sports(tracks):
    """{path: the one sport MANIFEST.md's scan found} for FIT and TCX files with one sport."""
    out = {}
    for line in (tracks / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| `((?:fit|tcx)/[^`]+)` .*?[;| ]sport=([A-Za-z_/,?-]+)", line)
        if m and not set(",?-") & set(m.group(2)):
            out[m.group(1)] = m.group(2)  # FIT: sport or sport/sub_sport
    return out


def gpx_types(tracks):
    """{path: the first <trk><type> text} of the corpus GPX files that have one."""
    out = {}
    for p in sorted((tracks / "gpx").iterdir()):
        data = p.read_bytes()
        if p.name.endswith(".gz"):
            data = gzip.decompress(data)
        m = re.search(rb"<trk>.*?<type>(?:<!\[CDATA\[)?\s*([^<\]]*?)\s*(?:\]\]>)?</type>", data, re.S)
        if m:
            out[f"gpx/{p.name}"] = m.group(1).decode()
    return out


def test_corpus_sports_are_canonical(tracks, heatmap_bin, tmp_path):
    expected = {}
    for rel, word in manifest_sports(tracks).items():
        expected[rel] = TCX_WORDS.get(word, word.split("/")[0])  # FIT names are canonical
    for rel, word in gpx_types(tracks).items():
        if word in GPX_WORDS:
            expected[rel] = GPX_WORDS[word]
    assert len(expected) >= 40
    doc = info_json(heatmap_bin, tracks / "fit", "--store", str(tmp_path / "f.hmstore"))
    doc["files"] += info_json(heatmap_bin, tracks / "tcx", "--store", str(tmp_path / "t.hmstore"))["files"]
    doc["files"] += info_json(heatmap_bin, tracks / "gpx", "--store", str(tmp_path / "g.hmstore"))["files"]
    got = {}
    for f in doc["files"]:
        rel = f["path"][len(str(tracks)) + 1 :]
        got[rel] = f["sport"]
    checked = 0
    for rel, sport in expected.items():
        if got.get(rel):
            assert got[rel] == sport, rel
            checked += 1
    assert checked >= 40


def test_sport_cycling_selects_fit_tcx_and_gpx_rides(tmp_path):
    folder = tmp_path / "rides"
    folder.mkdir()
    words = [("fit", 2), ("tcx", "Biking"), ("gpx", "cycling"), ("gpx", "17"), ("gpx", "Ride"), ("fit", 1)]
    for k, (fmt, word) in enumerate(words):
        fixes = hmgen.polyline(GRID, [(20.5, 20.5 + 10 * k), (300.5, 20.5 + 10 * k)], hmgen.unix(2021, 1, 1 + k))
        path = folder / f"a{k}.{fmt}"
        if fmt == "fit":
            hmgen.write_fit(path, fixes, sport=word)
        elif fmt == "tcx":
            hmgen.write_tcx(path, fixes, sport=word)
        else:
            hmgen.write_gpx(path, fixes, sport=word)
    rows, _ = drawn_rows(folder, ":SPORT=cycling:INCLUDE_VIRTUAL=YES")
    assert rows == {20, 30, 40, 50, 60}  # FIT sport 2, TCX Biking, GPX cycling/17/Ride; not FIT 1
    rows, _ = drawn_rows(folder, ":SPORT=running")
    assert rows == {70}


# ---------------------------------------------------------------- privacy

MERC = hmgen.R_WEB


def merc_of_pixel(col, row):
    gt = GRID.geotransform()
    return gt[0] + col * gt[1], gt[3] + row * gt[5]


def lonlat_of_merc(x, y):
    return math.degrees(x / MERC), math.degrees(math.atan(math.sinh(y / MERC)))


def ground_to(lon0, lat0):
    def dist(x, y):
        lon, lat = lonlat_of_merc(x, y)
        return hmgen.haversine(lat0, lon0, lat, lon)

    return dist


def straight_track(tmp_path, row, c0, c1, seconds):
    """Two fixes only: no vertex anywhere in between."""
    lon0, lat0 = GRID.lonlat(c0, row)
    lon1, lat1 = GRID.lonlat(c1, row)
    fixes = [hmgen.Fix(lat0, lon0, hmgen.unix(2021, 5, 1)), hmgen.Fix(lat1, lon1, hmgen.unix(2021, 5, 1) + seconds)]
    folder = tmp_path / "p"
    folder.mkdir(exist_ok=True)
    hmgen.write_gpx(folder / f"r{row}.gpx", fixes)
    return folder, fixes


def level_count(src, extra, level):
    ds = gdal.Open(GRID.name(src, ":BANDS=count:MAX_GAP=100000" + extra))
    band = ds.GetRasterBand(1)
    return (band if level == 0 else band.GetOverview(level - 1)).ReadAsArray()


def test_privacy_zone_cuts_a_segment_that_crosses_it(tmp_path):
    row = 250.5
    folder, _ = straight_track(tmp_path, row, 10.5, 500.5, 250)
    # The zone: 300 m around a point 5 pixels off the line, so neither fix is near it.
    zlon, zlat = GRID.lonlat(255.5, row - 5)
    radius = 300.0
    extra = f":PRIVACY_ZONES={zlon!r},{zlat!r},{radius}"
    dist = ground_to(zlon, zlat)
    without = level_count(folder, "", 0)
    assert without[250, 10:501].min() == 1
    ds = gdal.Open(GRID.name(folder, ":BANDS=count:MAX_GAP=100000" + extra))
    nlevels = 1 + ds.GetRasterBand(1).GetOverviewCount()
    for level in range(nlevels):
        got = level_count(folder, extra, level)
        k = 2**level
        # Every pixel whose four corners are inside the circle shows nothing; every pixel the line
        # crosses whose four corners are outside it (all but the circle's edge) shows the line.
        inside = outside = 0
        for r in range(got.shape[0]):
            for c in range(got.shape[1]):
                corners = [dist(*merc_of_pixel(k * (c + i), k * (r + j))) for i in (0, 1) for j in (0, 1)]
                on_line = k * r <= row <= k * (r + 1) and k * c <= 500.5 and k * (c + 1) >= 10.5
                if max(corners) < radius:
                    assert got[r, c] == 0, (level, r, c)
                    inside += 1
                elif min(corners) > radius and on_line and 10.5 < k * c and k * (c + 1) < 500.5:
                    assert got[r, c] == 1, (level, r, c)
                    outside += 1
                elif not on_line:
                    assert got[r, c] == 0, (level, r, c)
        assert inside > 0 and outside > 0, level
    # Exactly at the circle: the pixel holding the crossing is drawn, the next one is not.
    y = merc_of_pixel(0, row)[1]
    a, b = merc_of_pixel(10.5, row)[0], merc_of_pixel(255.5, row)[0]
    for _ in range(200):
        m = (a + b) / 2
        a, b = (m, b) if dist(m, y) > radius else (a, m)
    cross_col = int((a - GRID.geotransform()[0]) / GRID.res)
    got = level_count(folder, extra, 0)
    assert got[250, cross_col] == 1 and got[250, cross_col + 1] == 0
    # The location query says the same: nothing inside, the activity outside.
    ds = gdal.Open(GRID.name(folder, ":BANDS=count:MAX_GAP=100000" + extra))
    band = ds.GetRasterBand(1)  # (GDAL < 3.8 Python: the dataset must outlive its band)
    assert "<Activity" not in band.GetMetadataItem("Pixel_255_250", "LocationInfo")
    assert "<Activity" in band.GetMetadataItem("Pixel_20_250", "LocationInfo")


def test_privacy_zone_in_styled_output(tmp_path):
    row = 250.5
    folder, _ = straight_track(tmp_path, row, 10.5, 500.5, 250)
    zlon, zlat = GRID.lonlat(255.5, row)
    extra = f":PRIVACY_ZONES={zlon!r},{zlat!r},200:RENDER=count:MAX_GAP=100000"
    ds = gdal.Open(GRID.name(folder, extra))
    alpha = ds.GetRasterBand(4).ReadAsArray()
    dist = ground_to(zlon, zlat)
    for c in range(200, 312):
        corners = [dist(*merc_of_pixel(c + i, 250 + j)) for i in (0, 1) for j in (0, 1)]
        if max(corners) < 200:
            assert alpha[250, c] == 0, c
    assert alpha[250, 20] > 0 and alpha[250, 490] > 0
    ov = ds.GetRasterBand(4).GetOverview(0).ReadAsArray()
    assert ov[125, 127] == 0 and ov[125, 10] > 0


def test_trim_ends_removes_exactly_the_first_and_last_metres(tmp_path):
    row = 300.5
    folder, fixes = straight_track(tmp_path, row, 10.5, 500.5, 250)
    length = hmgen.haversine(fixes[0].lat, fixes[0].lon, fixes[1].lat, fixes[1].lon)
    trim = 400.0
    got = level_count(folder, f":TRIM_ENDS={trim}", 0)
    # The kept part is t in [trim / length, 1 - trim / length] of the straight Mercator segment.
    t0, t1 = trim / length, 1 - trim / length
    x0 = 10.5 + t0 * 490.0
    x1 = 10.5 + t1 * 490.0
    c0, c1 = int(math.floor(x0)), int(math.floor(x1))
    assert got[300, c0] == 1 and got[300, c0 - 1] == 0
    assert got[300, c1] == 1 and got[300, c1 + 1] == 0
    assert np.count_nonzero(got) == c1 - c0 + 1


# ---------------------------------------------------------------- duplicates


def test_same_activity_as_fit_and_gpx_counts_once(tracks, tmp_path):
    folder = tmp_path / "pair"
    folder.mkdir()
    shutil.copy(tracks / "fit" / "sportslib_2067489619.fit", folder)
    shutil.copy(tracks / "gpx" / "sportslib_2067489619.gpx", folder)
    ds = gdal.Open(f"HEATMAP:{folder}:BANDS=count")
    assert ds.GetMetadataItem("HEATMAP_ACTIVITIES") == "1"
    assert ds.GetRasterBand(1).ComputeRasterMinMax(False)[1] == 1
    ds = gdal.Open(f"HEATMAP:{folder}:BANDS=count:DEDUPE=NO")
    assert ds.GetMetadataItem("HEATMAP_ACTIVITIES") == "2"
    assert ds.GetRasterBand(1).ComputeRasterMinMax(False)[1] == 2


def test_generated_copies_and_different_activities(tmp_path):
    folder = tmp_path / "dups"
    folder.mkdir()
    fixes = hmgen.polyline(GRID, [(20.5, 50.5), (400.5, 50.5)], hmgen.unix(2021, 6, 1, 8))
    hmgen.write_fit(folder / "watch.fit", fixes, sport=2)
    hmgen.write_gpx(folder / "strava.gpx", fixes, sport="cycling")
    # The same route a day later: another activity.
    later = hmgen.polyline(GRID, [(20.5, 50.5), (400.5, 50.5)], hmgen.unix(2021, 6, 2, 8))
    hmgen.write_gpx(folder / "next_day.gpx", later, sport="cycling")
    # The same start but another route: another activity too.
    other = hmgen.polyline(GRID, [(20.5, 50.5), (150.5, 50.5)], hmgen.unix(2021, 6, 1, 8))
    hmgen.write_gpx(folder / "short.gpx", other, sport="cycling")
    count = level_count(folder, "", 0)
    assert count[50, 100] == 3 and count[50, 300] == 2
    count = level_count(folder, ":DEDUPE=NO", 0)
    assert count[50, 100] == 4 and count[50, 300] == 3
