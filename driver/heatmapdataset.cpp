// SPDX-License-Identifier: MIT
//
// HEATMAPDataset: open (options, connection string or descriptor, then
// hm_raster_open and, with RENDER, hm_style_new), georeferencing, metadata,
// native overviews and the block read that serves every band of a block
// from one render (Float32 bands, or the Byte bands of a styled dataset).
//
// Invariants: the full-resolution dataset owns m_spec, m_raster and m_style
// and outlives its overview datasets, which borrow the raster and the style
// (both immutable) but own their own hm_ctx. A block is rendered once for all bands: the band
// GDAL asked for gets the pixels directly, its siblings get theirs through
// GDAL's block cache (GetLockedBlockRef(..., TRUE)), so a multi-band read
// never renders the same block twice.

#include "heatmapdataset.h"
#include "heatmapdrivercore.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <string>

#include "cpl_string.h"

/************************************************************************/
/*                         errors and logging                           */
/************************************************************************/

static CPLErrorNum HEATMAPErrorNum(int rc)
{
    switch (rc)
    {
        case HM_ENOMEM:
            return CPLE_OutOfMemory;
        case HM_EIO:
            return CPLE_FileIO;
        case HM_EINVAL:
            return CPLE_IllegalArg;
        case HM_EUNSUPPORTED:
            return CPLE_NotSupported;
        case HM_ENOTFOUND:
            return CPLE_OpenFailed;
        default:
            return CPLE_AppDefined;
    }
}

// An engine error or warning as text, the way the engine formats them.
static std::string HEATMAPFormatError(const hm_error *psErr, int nFlags = 0)
{
    std::string osText(hm_error_format(nullptr, 0, psErr, nFlags) + 1, '\0');
    hm_error_format(&osText[0], osText.size(), psErr, nFlags);
    osText.pop_back();
    return osText;
}

void HEATMAPReportError(hm_ctx *ctx, int rc)
{
    const hm_error *psErr = hm_ctx_last_error(ctx);
    const int nCode = psErr ? psErr->code : rc;
    CPLError(CE_Failure, HEATMAPErrorNum(nCode), "HEATMAP: %s",
             psErr ? HEATMAPFormatError(psErr).c_str() : hm_strerror(rc));
    if (psErr)
        CPLDebug("HEATMAP", "error raised at %s", psErr->where);
    hm_ctx_clear_error(ctx);
}

static void HEATMAPLog(hm_log_level eLevel, const char *pszMsg, void * /* payload */)
{
    if (eLevel == HM_LOG_DEBUG)
        CPLDebug("HEATMAP", "%s", pszMsg);
    else
        CPLError(CE_Warning, CPLE_AppDefined, "HEATMAP: %s", pszMsg);
}

static hm_ctx *HEATMAPNewContext()
{
    hm_ctx *ctx = nullptr;
    if (hm_ctx_new(&ctx, nullptr) != HM_OK)
    {
        CPLError(CE_Failure, CPLE_OutOfMemory, "HEATMAP: out of memory");
        return nullptr;
    }
    hm_ctx_set_log(ctx, HEATMAPLog, nullptr);
    return ctx;
}

/************************************************************************/
/*                          construction                                */
/************************************************************************/

// An overview: same bands (and style) and CRS, pixels 2^nLevel times larger, same origin.
HEATMAPDataset::HEATMAPDataset(HEATMAPDataset *poParent, int nLevel)
    : m_raster(poParent->m_raster), m_style(poParent->m_style), m_nLevel(nLevel),
      m_nBlockSize(poParent->m_nBlockSize), m_aeBands(poParent->m_aeBands)
{
    m_ctx = HEATMAPNewContext();
    hm_raster_get_level_size(m_raster, nLevel, &nRasterXSize, &nRasterYSize);
    const double dfScale = std::ldexp(1.0, nLevel);
    memcpy(m_adfGeoTransform, poParent->m_adfGeoTransform, sizeof(m_adfGeoTransform));
    m_adfGeoTransform[1] *= dfScale;
    m_adfGeoTransform[5] *= dfScale;
    m_oSRS = poParent->m_oSRS;
    eAccess = GA_ReadOnly;
    CreateBands();
}

// Float32 bands, one per selected engine band; or the styled Byte bands.
void HEATMAPDataset::CreateBands()
{
    if (m_style == nullptr)
    {
        for (int i = 0; i < static_cast<int>(m_aeBands.size()); ++i)
            SetBand(i + 1, new HEATMAPRasterBand(this, i + 1, m_aeBands[i]));
        return;
    }
    if (hm_style_get_mode(m_style) == HM_RENDER_PALETTE)
    {
        SetBand(1, new HEATMAPStyledRasterBand(this, 1, GCI_PaletteIndex));
        return;
    }
    static const GDALColorInterp aeInterp[4] = {GCI_RedBand, GCI_GreenBand, GCI_BlueBand,
                                                GCI_AlphaBand};
    for (int i = 0; i < 4; ++i)
        SetBand(i + 1, new HEATMAPStyledRasterBand(this, i + 1, aeInterp[i]));
}

HEATMAPDataset::~HEATMAPDataset()
{
    // Overviews and cached blocks go before the raster they were read from.
    FlushCache(true);
    m_apoOverviews.clear();
    if (m_bOwnsRaster)
    {
        hm_style_free(m_style);
        hm_raster_free(m_raster);
    }
    hm_spec_free(m_spec);  // nullptr in overviews
    hm_ctx_free(m_ctx);
}

GDALDataset *HEATMAPDataset::Open(GDALOpenInfo *poOpenInfo)
{
    if (!HEATMAPDriverIdentify(poOpenInfo))
        return nullptr;
    if (poOpenInfo->eAccess == GA_Update)
    {
        CPLError(CE_Failure, CPLE_NotSupported,
                 "HEATMAP: the driver is read-only; open %s without update access",
                 poOpenInfo->pszFilename);
        return nullptr;
    }
    try
    {
        auto poDS = std::make_unique<HEATMAPDataset>();
        if (!poDS->Initialize(poOpenInfo))
            return nullptr;
        return poDS.release();
    }
    catch (const std::bad_alloc &)
    {
        CPLError(CE_Failure, CPLE_OutOfMemory, "HEATMAP: out of memory opening %s",
                 poOpenInfo->pszFilename);
        return nullptr;
    }
}

bool HEATMAPDataset::Initialize(GDALOpenInfo *poOpenInfo)
{
    m_ctx = HEATMAPNewContext();
    if (m_ctx == nullptr)
        return false;
    int rc = hm_spec_new(&m_spec, m_ctx);
    if (rc != HM_OK)
    {
        HEATMAPReportError(m_ctx, rc);
        return false;
    }

    // Open options are defaults; the name (connection string or descriptor) overrides them.
    for (CSLConstList papszIter = poOpenInfo->papszOpenOptions; papszIter && *papszIter;
         ++papszIter)
    {
        char *pszKey = nullptr;
        const char *pszValue = CPLParseNameValue(*papszIter, &pszKey);
        if (pszKey == nullptr || pszValue == nullptr)
        {
            CPLFree(pszKey);
            CPLError(CE_Failure, CPLE_IllegalArg,
                     "HEATMAP: open option '%s' is not KEY=VALUE", *papszIter);
            return false;
        }
        rc = hm_spec_set(m_spec, pszKey, pszValue);
        CPLFree(pszKey);
        if (rc != HM_OK)
        {
            HEATMAPReportError(m_ctx, rc);
            return false;
        }
    }

    if (STARTS_WITH_CI(poOpenInfo->pszFilename, HEATMAP_PREFIX))
        rc = hm_spec_parse_connection(m_spec, poOpenInfo->pszFilename);
    else
        rc = hm_spec_read_descriptor(m_spec, poOpenInfo->pszFilename);
    if (rc != HM_OK)
    {
        HEATMAPReportError(m_ctx, rc);
        return false;
    }

    m_bOwnsRaster = true;
    rc = hm_raster_open(&m_raster, m_ctx, m_spec);
    if (rc != HM_OK)
    {
        HEATMAPReportError(m_ctx, rc);
        return false;
    }
    if (!InitializeFromRaster())
        return false;

    SetDescription(poOpenInfo->pszFilename);
    SetSourceMetadata();
    // External .ovr overviews (gdaladdo -ro on a descriptor file) win over native ones.
    if (!STARTS_WITH_CI(poOpenInfo->pszFilename, HEATMAP_PREFIX))
        oOvManager.Initialize(this, poOpenInfo->pszFilename);
    return true;
}

bool HEATMAPDataset::InitializeFromRaster()
{
    hm_grid_info sGrid;
    hm_raster_get_grid(m_raster, &sGrid);
    if (!GDALCheckDatasetDimensions(sGrid.width, sGrid.height))
        return false;
    nRasterXSize = sGrid.width;
    nRasterYSize = sGrid.height;
    m_nBlockSize = sGrid.block_size;
    m_nLevelCount = sGrid.level_count;
    eAccess = GA_ReadOnly;

    m_adfGeoTransform[0] = sGrid.origin_x;
    m_adfGeoTransform[1] = sGrid.resolution;
    m_adfGeoTransform[2] = 0.0;
    m_adfGeoTransform[3] = sGrid.origin_y;
    m_adfGeoTransform[4] = 0.0;
    m_adfGeoTransform[5] = -sGrid.resolution;

    const char *pszWKT = hm_raster_get_srs_wkt(m_raster);
    if (pszWKT && pszWKT[0] && m_oSRS.importFromWkt(pszWKT) != OGRERR_NONE)
    {
        CPLError(CE_Failure, CPLE_AppDefined, "HEATMAP: GDAL cannot read the grid CRS: %s",
                 pszWKT);
        return false;
    }
    m_oSRS.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);

    const int rc = hm_style_new(&m_style, m_ctx, m_spec);
    if (rc != HM_OK)
    {
        HEATMAPReportError(m_ctx, rc);
        return false;
    }
    hm_band aeBands[HM_BAND_MAX];
    const size_t nSelected = hm_spec_get_bands(m_spec, aeBands);
    m_aeBands.assign(aeBands, aeBands + nSelected);
    CreateBands();
    return true;
}

/************************************************************************/
/*                             metadata                                 */
/************************************************************************/

std::string HEATMAPFormatTime(double dfTime)
{
    char szTime[HM_TIME_ISO8601_SIZE];
    hm_time_format_iso8601(szTime, sizeof(szTime), dfTime);
    return szTime;
}

// Figures about the sources in the default domain, what the open did to the
// track store in the HEATMAP_STORE domain, the skipped files with their
// reasons in the HEATMAP_ERRORS domain and the duplicates left out in the
// HEATMAP_DUPLICATES domain. A file name may hold '=', ':' or a line break, so
// it is never a key: numbered items carry it as a value, as GDAL's
// SUBDATASETS domain does (FILE_1_PATH=..., FILE_1_ERROR=...).
void HEATMAPDataset::SetSourceMetadata()
{
    hm_raster_stats sStats;
    hm_raster_get_stats(m_raster, &sStats);
    SetMetadataItem("HEATMAP_FILES", CPLSPrintf("%zu", sStats.files));
    SetMetadataItem("HEATMAP_ACTIVITIES", CPLSPrintf("%zu", sStats.activities));
    SetMetadataItem("HEATMAP_POINTS", CPLSPrintf("%zu", sStats.points));
    SetMetadataItem("HEATMAP_SKIPPED_FILES", CPLSPrintf("%zu", sStats.skipped_files));
    const std::string osTimeMin = HEATMAPFormatTime(sStats.time_min);
    if (!osTimeMin.empty())
        SetMetadataItem("HEATMAP_TIME_MIN", osTimeMin.c_str());
    const std::string osTimeMax = HEATMAPFormatTime(sStats.time_max);
    if (!osTimeMax.empty())
        SetMetadataItem("HEATMAP_TIME_MAX", osTimeMax.c_str());
    if (m_style != nullptr)
        SetMetadataItem("HEATMAP_RENDER", hm_band_get_name(hm_style_get_band(m_style)));

    const hm_source *psSource = hm_raster_get_source(m_raster);
    if (psSource == nullptr)
        return;

    // What opening did to the track store, for people wondering why an open was slow.
    hm_source_update sUpdate;
    hm_source_get_update(psSource, &sUpdate);
    static const char *const apszStates[] = {"current", "written", "memory"};
    CPLStringList aosStore;
    aosStore.SetNameValue("STORE_FILE", sUpdate.store ? sUpdate.store : "");
    aosStore.SetNameValue("STORE_STATE", apszStates[sUpdate.state]);
    aosStore.SetNameValue("STORE_BYTES", CPLSPrintf("%llu", static_cast<unsigned long long>(
                                                                sUpdate.store_bytes)));
    aosStore.SetNameValue("FILES_LISTED", CPLSPrintf("%zu", sUpdate.files));
    aosStore.SetNameValue("FILES_ADDED", CPLSPrintf("%zu", sUpdate.added));
    aosStore.SetNameValue("FILES_CHANGED", CPLSPrintf("%zu", sUpdate.changed));
    aosStore.SetNameValue("FILES_REMOVED", CPLSPrintf("%zu", sUpdate.removed));
    aosStore.SetNameValue("FILES_READ", CPLSPrintf("%zu", sUpdate.read));
    aosStore.SetNameValue("OPEN_SECONDS", CPLSPrintf("%.6f", sUpdate.seconds));
    aosStore.SetNameValue("PYRAMID_BYTES", CPLSPrintf("%llu", static_cast<unsigned long long>(
                                                                  sUpdate.pyramid_bytes)));
    std::string osLevels;
    for (int k = 0; k < 32; ++k)
    {
        if (!(sStats.pyramid_levels >> k & 1u))
            continue;
        if (!osLevels.empty())
            osLevels += ",";
        osLevels += CPLSPrintf("%d", k);
    }
    aosStore.SetNameValue("PYRAMID_LEVELS", osLevels.c_str());
    aosStore.SetNameValue("PYRAMID_VIEW", sStats.pyramid_view);
    SetMetadata(aosStore.List(), "HEATMAP_STORE");

    CPLStringList aosErrors;
    const size_t nFiles = hm_source_get_file_count(psSource);
    size_t nSkipped = 0;
    for (size_t i = 0; i < nFiles; ++i)
    {
        hm_source_file sFile;
        hm_source_get_file(psSource, i, &sFile);
        if (sFile.error.code == HM_OK)
            continue;
        ++nSkipped;
        aosErrors.SetNameValue(CPLSPrintf("FILE_%zu_PATH", nSkipped), sFile.path);
        aosErrors.SetNameValue(CPLSPrintf("FILE_%zu_ERROR", nSkipped),
                               HEATMAPFormatError(&sFile.error, HM_ERROR_FORMAT_NO_PATH).c_str());
    }
    if (!aosErrors.empty())
        SetMetadata(aosErrors.List(), "HEATMAP_ERRORS");
    SetDuplicatesMetadata(psSource);
}

// FILE_<n>_PATH = the duplicate's file, FILE_<n>_COUNTED_AS = the file counted instead, for
// every activity that DEDUPE left out (a file holding several left-out activities is named
// once, with the first).
void HEATMAPDataset::SetDuplicatesMetadata(const hm_source *psSource)
{
    CPLStringList aosDuplicates;
    const size_t nDuplicates = hm_raster_get_duplicate_count(m_raster);
    size_t nLastFile = static_cast<size_t>(-1);
    for (size_t i = 0; i < nDuplicates; ++i)
    {
        size_t nDup = 0;
        size_t nKept = 0;
        hm_raster_get_duplicate(m_raster, i, &nDup, &nKept);
        hm_source_activity sDup;
        hm_source_get_activity(psSource, nDup, &sDup);
        // Duplicates come in activity order, hence a file's all together.
        if (sDup.file == nLastFile)
            continue;
        nLastFile = sDup.file;
        hm_source_activity sKept;
        hm_source_get_activity(psSource, nKept, &sKept);
        hm_source_file sDupFile;
        hm_source_file sKeptFile;
        hm_source_get_file(psSource, sDup.file, &sDupFile);
        hm_source_get_file(psSource, sKept.file, &sKeptFile);
        const size_t n = static_cast<size_t>(aosDuplicates.size()) / 2 + 1;
        aosDuplicates.SetNameValue(CPLSPrintf("FILE_%zu_PATH", n), sDupFile.path);
        aosDuplicates.SetNameValue(CPLSPrintf("FILE_%zu_COUNTED_AS", n), sKeptFile.path);
    }
    if (!aosDuplicates.empty())
        SetMetadata(aosDuplicates.List(), "HEATMAP_DUPLICATES");
}

char **HEATMAPDataset::GetMetadataDomainList()
{
    if (m_nLevel != 0)
        return GDALDataset::GetMetadataDomainList();
    return BuildMetadataDomainList(GDALDataset::GetMetadataDomainList(), FALSE,
                                   "HEATMAP_ERRORS", "HEATMAP_DUPLICATES", "HEATMAP_STORE",
                                   nullptr);
}

CPLErr HEATMAPDataset::GetGeoTransform(double *padfTransform)
{
    memcpy(padfTransform, m_adfGeoTransform, sizeof(m_adfGeoTransform));
    return CE_None;
}

const OGRSpatialReference *HEATMAPDataset::GetSpatialRef() const
{
    return m_oSRS.IsEmpty() ? nullptr : &m_oSRS;
}

/************************************************************************/
/*                             overviews                                */
/************************************************************************/

int HEATMAPDataset::GetNativeOverviewCount() const
{
    return m_nLevel == 0 ? m_nLevelCount - 1 : 0;
}

void HEATMAPDataset::CreateOverviews()
{
    std::lock_guard<std::mutex> oLock(m_oOverviewMutex);
    if (m_bOverviewsCreated)
        return;
    m_bOverviewsCreated = true;
    const int nCount = GetNativeOverviewCount();
    try
    {
        for (int nLevel = 1; nLevel <= nCount; ++nLevel)
        {
            auto poOvr = std::unique_ptr<HEATMAPDataset>(new HEATMAPDataset(this, nLevel));
            if (poOvr->m_ctx == nullptr)
                break;
            m_apoOverviews.push_back(std::move(poOvr));
        }
    }
    catch (const std::bad_alloc &)
    {
        CPLError(CE_Failure, CPLE_OutOfMemory, "HEATMAP: out of memory creating overviews");
    }
}

HEATMAPDataset *HEATMAPDataset::GetNativeOverview(int iOverview)
{
    if (iOverview < 0 || iOverview >= GetNativeOverviewCount())
        return nullptr;
    CreateOverviews();
    if (iOverview >= static_cast<int>(m_apoOverviews.size()))
        return nullptr;
    return m_apoOverviews[iOverview].get();
}

/************************************************************************/
/*                             blocks                                   */
/************************************************************************/

CPLErr HEATMAPDataset::ReadBlock(int nBand, int nBlockXOff, int nBlockYOff, void *pImage)
{
    const size_t nPixels = static_cast<size_t>(m_nBlockSize) * m_nBlockSize;
    const size_t nBlockBytes = nPixels * sizeof(float);
    const int nBandCount = GetRasterCount();
    float *apafBuffers[HM_BAND_MAX] = {};
    std::vector<float> afScratch;
    int anSiblings[HM_BAND_MAX];  // GDAL bands rendered into afScratch, in its order
    size_t nSiblings = 0;

    apafBuffers[m_aeBands[nBand - 1]] = static_cast<float *>(pImage);

    // Fill the siblings only when the cache can hold a block of every band;
    // otherwise each band renders its own block when asked.
    const bool bFillSiblings =
        GDALGetCacheMax64() > static_cast<GIntBig>(nBlockBytes) * nBandCount * 2;
    try
    {
        if (bFillSiblings)
        {
            for (int iBand = 1; iBand <= nBandCount; ++iBand)
            {
                if (iBand == nBand)
                    continue;
                GDALRasterBlock *poBlock =
                    papoBands[iBand - 1]->TryGetLockedBlockRef(nBlockXOff, nBlockYOff);
                if (poBlock != nullptr)
                {
                    poBlock->DropLock();
                    continue;
                }
                anSiblings[nSiblings++] = iBand;
            }
            afScratch.resize(nPixels * nSiblings);
            for (size_t i = 0; i < nSiblings; ++i)
                apafBuffers[m_aeBands[anSiblings[i] - 1]] = afScratch.data() + i * nPixels;
        }
    }
    catch (const std::bad_alloc &)
    {
        // Not fatal: render only the band that was asked for.
        nSiblings = 0;
        for (int i = 0; i < HM_BAND_MAX; ++i)
            if (i != static_cast<int>(m_aeBands[nBand - 1]))
                apafBuffers[i] = nullptr;
    }

    CPLDebug("HEATMAP", "render level %d block (%d, %d): band %d and %d sibling(s)", m_nLevel,
             nBlockXOff, nBlockYOff, nBand, static_cast<int>(nSiblings));
    const int rc = hm_raster_render_block(m_raster, m_ctx, m_nLevel, nBlockXOff, nBlockYOff,
                                          apafBuffers);
    if (rc != HM_OK)
    {
        HEATMAPReportError(m_ctx, rc);
        return CE_Failure;
    }

    for (size_t i = 0; i < nSiblings; ++i)
    {
        GDALRasterBlock *poBlock =
            papoBands[anSiblings[i] - 1]->GetLockedBlockRef(nBlockXOff, nBlockYOff, TRUE);
        if (poBlock == nullptr)
            continue;  // the cache refused it: that band will render on demand
        memcpy(poBlock->GetDataRef(), afScratch.data() + i * nPixels, nBlockBytes);
        poBlock->DropLock();
    }
    return CE_None;
}

// Styled: one engine call renders RGBA (or indices) for the block; the band asked
// for gets its channel, the other channels go to their bands' cached blocks.
CPLErr HEATMAPDataset::ReadStyledBlock(int nBand, int nBlockXOff, int nBlockYOff, void *pImage)
{
    const size_t nPixels = static_cast<size_t>(m_nBlockSize) * m_nBlockSize;
    GByte *pabyImage = static_cast<GByte *>(pImage);

    CPLDebug("HEATMAP", "render styled level %d block (%d, %d)", m_nLevel, nBlockXOff,
             nBlockYOff);
    if (hm_style_get_mode(m_style) == HM_RENDER_PALETTE)
    {
        const int rc = hm_style_render_block(m_style, m_raster, m_ctx, m_nLevel, nBlockXOff,
                                             nBlockYOff, pabyImage);
        if (rc != HM_OK)
        {
            HEATMAPReportError(m_ctx, rc);
            return CE_Failure;
        }
        return CE_None;
    }

    std::vector<GByte> abyRGBA;
    try
    {
        abyRGBA.resize(nPixels * 4);
    }
    catch (const std::bad_alloc &)
    {
        CPLError(CE_Failure, CPLE_OutOfMemory, "HEATMAP: out of memory reading a block");
        return CE_Failure;
    }
    const int rc = hm_style_render_block(m_style, m_raster, m_ctx, m_nLevel, nBlockXOff,
                                         nBlockYOff, abyRGBA.data());
    if (rc != HM_OK)
    {
        HEATMAPReportError(m_ctx, rc);
        return CE_Failure;
    }
    for (size_t i = 0; i < nPixels; ++i)
        pabyImage[i] = abyRGBA[4 * i + nBand - 1];

    // As in ReadBlock(): siblings only when the cache can hold them, and never over a
    // block that is already cached.
    if (GDALGetCacheMax64() <= static_cast<GIntBig>(nPixels) * 4 * 2)
        return CE_None;
    for (int iBand = 1; iBand <= 4; ++iBand)
    {
        if (iBand == nBand)
            continue;
        GDALRasterBlock *poBlock =
            papoBands[iBand - 1]->TryGetLockedBlockRef(nBlockXOff, nBlockYOff);
        if (poBlock != nullptr)
        {
            poBlock->DropLock();
            continue;
        }
        poBlock = papoBands[iBand - 1]->GetLockedBlockRef(nBlockXOff, nBlockYOff, TRUE);
        if (poBlock == nullptr)
            continue;  // the cache refused it: that band will render on demand
        GByte *pabyDst = static_cast<GByte *>(poBlock->GetDataRef());
        for (size_t i = 0; i < nPixels; ++i)
            pabyDst[i] = abyRGBA[4 * i + iBand - 1];
        poBlock->DropLock();
    }
    return CE_None;
}

int HEATMAPDataset::GetCoverageStatus(int nXOff, int nYOff, int nXSize, int nYSize,
                                      int nMaskFlagStop, double *pdfDataPct)
{
    const int nBS = m_nBlockSize;
    const int nX1 = std::min(nXOff + nXSize, nRasterXSize);
    const int nY1 = std::min(nYOff + nYSize, nRasterYSize);
    int nStatus = 0;
    GIntBig nDataPixels = 0;
    bool bStopped = false;

    for (int nBY = nYOff / nBS; nBY <= (nY1 - 1) / nBS && !bStopped; ++nBY)
    {
        const int nRows = std::min(nY1, (nBY + 1) * nBS) - std::max(nYOff, nBY * nBS);
        for (int nBX = nXOff / nBS; nBX <= (nX1 - 1) / nBS; ++nBX)
        {
            const int nCols = std::min(nX1, (nBX + 1) * nBS) - std::max(nXOff, nBX * nBS);
            // A styled block may show the glow of data in its neighbours.
            const int bData = m_style != nullptr
                                  ? hm_style_query_block(m_style, m_raster, m_nLevel, nBX, nBY)
                                  : hm_raster_query_block(m_raster, m_nLevel, nBX, nBY);
            if (bData)
            {
                nStatus |= GDAL_DATA_COVERAGE_STATUS_DATA;
                nDataPixels += static_cast<GIntBig>(nRows) * nCols;
            }
            else
            {
                nStatus |= GDAL_DATA_COVERAGE_STATUS_EMPTY;
            }
            if (nMaskFlagStop != 0 && (nStatus & nMaskFlagStop) != 0)
            {
                bStopped = true;
                break;
            }
        }
    }
    if (pdfDataPct)
    {
        const double dfTotal = static_cast<double>(nX1 - nXOff) * (nY1 - nYOff);
        *pdfDataPct = bStopped ? -1.0 : (dfTotal > 0 ? 100.0 * nDataPixels / dfTotal : 0.0);
    }
    return nStatus;
}
