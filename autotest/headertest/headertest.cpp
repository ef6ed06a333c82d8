// SPDX-License-Identifier: MIT
// The public header must compile on its own as C++.
#include <heatmap/util.h> // first: it stands on its own too
#include <heatmap.h>
int hm_headertest_cpp();
int hm_headertest_cpp() { return HM_OK; }
