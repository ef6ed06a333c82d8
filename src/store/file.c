/* SPDX-License-Identifier: MIT */
/*
 * Store files: mapping, atomic replacement, the build lock. Plain POSIX:
 * a store is a local file in a cache folder (mmap needs one), whatever the
 * source's file system.
 *
 * Trust. A writer stamps the file's mtime with a value it also records in
 * the header (a whole second, so file systems with coarse timestamps keep
 * it exactly) and renames the file into place only after fsync. A file whose
 * size and mtime are still that stamp is the file its writer wrote, so only
 * its catalog is verified at open (milliseconds) and its geometry is paged
 * in as blocks need it; a file touched since (a copy without -p, an edit, a
 * truncation, a byte flipped) fails the test and is verified entirely before
 * it is used.
 *
 * Replacement. The new image goes to a temporary file in the store's own
 * folder, is fsync'ed, stamped and renamed over the old name, and the
 * folder is fsync'ed: a process killed at any point leaves the old store or
 * the new one, never a mix, and processes that mapped the old one keep
 * reading it (the rename does not touch their inode).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/store_int.h"

int hm_store__open_file(hm_store **out, hm_ctx *ctx, const char *path, char *why,
                        size_t why_size)
{
    const hm_store_header *h;
    struct stat st;
    void *map;
    int fd, trusted, rc;

    *out = NULL;
    why[0] = '\0';
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return HM_ENOTFOUND;
        snprintf(why, why_size, "cannot open: %s", strerror(errno));
        return HM_EIO;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(why, why_size, "not a regular file");
        close(fd);
        return HM_EIO;
    }
    if ((uint64_t)st.st_size < sizeof(hm_store_header) || (uint64_t)st.st_size > SIZE_MAX) {
        close(fd);
        snprintf(why, why_size, "truncated (%lld bytes)", (long long)st.st_size);
        return HM_EPARSE;
    }
    map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (map == MAP_FAILED) {
        snprintf(why, why_size, "cannot map: %s", strerror(errno));
        return HM_EIO;
    }
    h = map;
    trusted = (uint64_t)st.st_size == h->file_size &&
              (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec == h->stamp_mtime_ns &&
              h->stamp_mtime_ns != 0;
    rc = hm_store__load(out, ctx, map, (size_t)st.st_size, 1, trusted, why, why_size);
    if (rc == HM_OK && !((*out)->path = hm_ctx__strdup((*out)->ctx, path))) {
        hm_store__release(*out);
        *out = NULL;
        return HM_RAISE_NOMEM(ctx);
    }
    if (rc == HM_OK)
        hm_store__pyramid_attach(*out);
    return rc;
}

void hm_store__drop_pages(const hm_store *store)
{
    if (store->mapped)
        madvise(store->image, store->size, MADV_DONTNEED);
}

int hm_store__build_memory(hm_store **out, hm_ctx *ctx, const hm_store_info *info,
                           const hm_store_input *inputs, size_t n)
{
    hm_store_sink *sink;
    unsigned char *image;
    char why[256];
    size_t size;
    int rc;

    *out = NULL;
    if ((rc = hm_store__sink_memory(&sink, ctx)) != HM_OK)
        return rc;
    rc = hm_store__write(sink, ctx, info, inputs, n, 0);
    hm_store__sink_take(sink, &image, &size);
    hm_store__sink_free(sink);
    if (rc != HM_OK) {
        hm_ctx__free(ctx, image);
        return rc;
    }
    /* Made here: verified like any untrusted image (cheap next to building it). */
    rc = hm_store__load(out, ctx, image, size, 0, 0, why, sizeof(why));
    if (rc == HM_EPARSE)
        return HM_RAISE(ctx, HM_ERROR, NULL, 0, -1, "store built in memory does not load: %s",
                        why);
    return rc;
}

/* The folder part of path ("." when none). */
static void folder_of(const char *path, char *out, size_t size)
{
    const char *slash = strrchr(path, '/');

    if (!slash)
        snprintf(out, size, ".");
    else if (slash == path)
        snprintf(out, size, "/");
    else
        snprintf(out, size, "%.*s", (int)(slash - path), path);
}

int hm_store__write_file(hm_store **out, hm_ctx *ctx, const char *path,
                         const hm_store_info *info, const hm_store_input *inputs, size_t n)
{
    char tmp[PATH_MAX], dir[PATH_MAX], why[256];
    struct timespec now, times[2];
    hm_store_sink *sink = NULL;
    int fd, dfd, rc;

    if (out)
        *out = NULL;
    if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp))
        return HM_RAISE(ctx, HM_EIO, path, 0, -1, "store path too long");
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return HM_RAISE(ctx, HM_EIO, path, 0, -1, "cannot create the store: %s",
                        strerror(errno));
    /* Readable by others, as a cache folder's files are (a server running as another user
     * may read a store that `heatmap index` built); mkostemp made it private. */
    fchmod(fd, 0644);
    /* A whole second: every file system keeps it exactly. */
    clock_gettime(CLOCK_REALTIME, &now);
    now.tv_nsec = 0;
    if ((rc = hm_store__sink_fd(&sink, ctx, fd, path)) == HM_OK)
        rc = hm_store__write(sink, ctx, info, inputs, n, (int64_t)now.tv_sec * 1000000000);
    hm_store__sink_free(sink);
    if (rc == HM_OK && fsync(fd) != 0)
        rc = HM_RAISE(ctx, HM_EIO, path, 0, -1, "cannot write the store: %s", strerror(errno));
    times[0] = now;
    times[1] = now;
    if (rc == HM_OK && futimens(fd, times) != 0)
        rc = HM_RAISE(ctx, HM_EIO, path, 0, -1, "cannot stamp the store: %s", strerror(errno));
    if (rc == HM_OK && fsync(fd) != 0)
        rc = HM_RAISE(ctx, HM_EIO, path, 0, -1, "cannot write the store: %s", strerror(errno));
    close(fd);
    if (rc == HM_OK && rename(tmp, path) != 0)
        rc = HM_RAISE(ctx, HM_EIO, path, 0, -1, "cannot replace the store: %s", strerror(errno));
    if (rc != HM_OK) {
        unlink(tmp);
        return rc;
    }
    /* Values derived from the old store's content (src/store/derived.c) name its
     * generation and would never be used again; so do its pyramids. */
    if (snprintf(tmp, sizeof(tmp), "%s.stats", path) < (int)sizeof(tmp))
        unlink(tmp);
    hm_store__pyramid_remove(path);
    folder_of(path, dir, sizeof(dir));
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd); /* the rename itself; a failure here loses nothing already written */
        close(dfd);
    }
    if (!out)
        return HM_OK;
    rc = hm_store__open_file(out, ctx, path, why, sizeof(why));
    if (rc == HM_EPARSE || rc == HM_EIO || rc == HM_ENOTFOUND)
        return HM_RAISE(ctx, HM_EIO, path, 0, -1, "the store just written cannot be read: %s",
                        why[0] ? why : "gone");
    return rc;
}

int hm_store__lock(const char *path)
{
    char lock[PATH_MAX];
    int fd;

    if (snprintf(lock, sizeof(lock), "%s.lock", path) >= (int)sizeof(lock))
        return -1;
    fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            close(fd);
            return -1;
        }
    }
    return fd;
}

void hm_store__unlock(int fd)
{
    if (fd < 0)
        return;
    flock(fd, LOCK_UN);
    close(fd);
}
