/* SPDX-License-Identifier: MIT */
/*
 * The index.html that `heatmap tiles` writes beside its pyramid: a small
 * self-contained pan/zoom viewer (plain JavaScript, no external script,
 * stylesheet or font), so a pyramid can be looked at by opening one file.
 */
#ifndef HM_APPS_VIEWER_H
#define HM_APPS_VIEWER_H

/*
 * Write the viewer to path.
 * @param bbox the data's extent as fractions of the Web Mercator world
 *        (x west, y north, x east, y south; 0..1, y grows southwards): the
 *        viewer opens centred on it, at the largest zoom that shows it whole.
 * @return 0, or -1 with errno set.
 */
int hm_app_write_viewer(const char *path, int min_zoom, int max_zoom, const double bbox[4]);

#endif /* HM_APPS_VIEWER_H */
