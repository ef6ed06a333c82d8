# SPDX-License-Identifier: MIT
"""Time what opening a store and fetching one block's data cost with the SQLite layout of
to_sqlite.py, in a fresh process: open + read the catalog, then the level-0 pieces (points and
attributes) of one 256-pixel block of XYZ zoom 15 at X Y (units).

usage: /usr/bin/python3 sqlite_block.py STORE.sqlite X Y    (prints "open_ms block_ms pieces")
"""
import sqlite3
import sys
import time

t0 = time.perf_counter()
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
db.execute("select rec from files").fetchall()
db.execute("select rec from acts").fetchall()
t1 = time.perf_counter()
x0, y0, w = float(sys.argv[2]), float(sys.argv[3]), 256 * 2**17
rows = db.execute("select p.blob from r0 join p0 p on p.id = r0.id "
                  "where minx <= ? and maxx >= ? and miny <= ? and maxy >= ?",
                  (x0 + w, x0, y0 + w, y0)).fetchall()
t2 = time.perf_counter()
print(f"{1e3 * (t1 - t0):.3f} {1e3 * (t2 - t1):.3f} {len(rows)}")
