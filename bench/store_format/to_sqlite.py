# SPDX-License-Identifier: MIT
"""Copy a HEATMAP store (src/store/format_int.h) into SQLite, the alternative format the store
issue named: catalog records as rows, per level a table of pieces (points and attributes as one
blob each) and an R*Tree of their boxes. Same content, for bench/store_format.sh to time.

usage: /usr/bin/python3 to_sqlite.py STORE.hmstore OUT.sqlite
Prints "X Y" (units): the centre of level 0's extent, where the timed block goes.
"""
import os
import sqlite3
import struct
import sys

PIECE = struct.Struct("<qqIIII")  # hm_piece


def main(store, out):
    d = open(store, "rb").read()
    nsec, _, toff = struct.unpack_from("<IQQ", d, 20)
    secs = {}
    for i in range(nsec):
        sid, _, off, size, _ = struct.unpack_from("<IIQQQ", d, toff + 32 * i)
        secs[sid] = (off, size)
    if os.path.exists(out):
        os.remove(out)
    db = sqlite3.connect(out)
    db.execute("create table files(id integer primary key, rec blob)")
    db.execute("create table acts(id integer primary key, rec blob)")
    for table, sid, size in (("files", 2, 80), ("acts", 4, 136)):
        off, total = secs[sid]
        db.executemany(f"insert into {table} values(?,?)",
                       [(i, d[off + i * size: off + (i + 1) * size]) for i in range(total // size)])
    lvl = 0
    while 16 + 8 * lvl in secs:
        (po, ps), (pto, pts), (ao, asz) = (secs[16 + 8 * lvl + k] for k in range(3))
        npieces, npoints = ps // PIECE.size, pts // 8
        asize = asz // npoints if npoints else 8
        db.execute(f"create table p{lvl}(id integer primary key, act int, blob blob)")
        db.execute(f"create virtual table r{lvl} using rtree(id, minx, maxx, miny, maxy)")
        rows, boxes = [], []
        for i in range(npieces):
            ox, oy, act, first, nseg, _ = PIECE.unpack_from(d, po + PIECE.size * i)
            xy = struct.unpack_from(f"<{2 * (nseg + 1)}i", d, pto + first * 8)
            xs, ys = [ox + v for v in xy[0::2]], [oy + v for v in xy[1::2]]
            blob = d[pto + first * 8: pto + (first + nseg + 1) * 8]
            blob += d[ao + first * asize: ao + (first + nseg + 1) * asize]
            rows.append((i, act, blob))
            boxes.append((i, min(xs), max(xs), min(ys), max(ys)))
        db.executemany(f"insert into p{lvl} values(?,?,?)", rows)
        db.executemany(f"insert into r{lvl} values(?,?,?,?,?)", boxes)
        lvl += 1
    db.commit()
    db.close()
    off, size = secs[16 + 3]  # level 0's tree boxes: the root is the last
    root = struct.unpack_from("<dddd", d, off + size - 32)
    print(f"{(root[0] + root[2]) / 2:.0f} {(root[1] + root[3]) / 2:.0f}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
