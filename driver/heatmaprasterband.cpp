// SPDX-License-Identifier: MIT
//
// HEATMAPRasterBand: one engine band (count, log_count, pace, hr, recency)
// as a Float32 GDAL band with 256x256 blocks. HEATMAPStyledRasterBand: a
// Byte band of a styled dataset (R, G, B or alpha, or palette indices with
// the style's colour table and nodata 0); the colours come from the engine. Everything a band knows comes
// from the engine (name, unit, nodata); block reads and coverage queries go
// to the dataset, which renders all bands of a block at once. Overviews are
// the native levels of the dataset unless external .ovr overviews exist.
// Every band answers LocationInfo (the activities at a pixel of its level).

#include "heatmapdataset.h"

#include <limits>

HEATMAPRasterBand::HEATMAPRasterBand(HEATMAPDataset *poDSIn, int nBandIn, hm_band eBand)
    : m_eBand(eBand)
{
    poDS = poDSIn;
    nBand = nBandIn;
    eDataType = GDT_Float32;
    nBlockXSize = poDSIn->m_nBlockSize;
    nBlockYSize = poDSIn->m_nBlockSize;
    eAccess = GA_ReadOnly;
    SetDescription(hm_band_get_name(eBand));
}

CPLErr HEATMAPRasterBand::IReadBlock(int nBlockXOff, int nBlockYOff, void *pImage)
{
    return static_cast<HEATMAPDataset *>(poDS)->ReadBlock(nBand, nBlockXOff, nBlockYOff,
                                                             pImage);
}

int HEATMAPRasterBand::IGetDataCoverageStatus(int nXOff, int nYOff, int nXSize, int nYSize,
                                              int nMaskFlagStop, double *pdfDataPct)
{
    return static_cast<HEATMAPDataset *>(poDS)->GetCoverageStatus(
        nXOff, nYOff, nXSize, nYSize, nMaskFlagStop, pdfDataPct);
}

double HEATMAPRasterBand::GetNoDataValue(int *pbSuccess)
{
    const bool bHasNoData = hm_band_get_has_nodata(m_eBand) != 0;
    if (pbSuccess)
        *pbSuccess = bHasNoData ? TRUE : FALSE;
    return bHasNoData ? std::numeric_limits<double>::quiet_NaN() : 0.0;
}

const char *HEATMAPRasterBand::GetUnitType()
{
    return hm_band_get_unit(m_eBand);
}

int HEATMAPRasterBand::GetOverviewCount()
{
    const int nExternal = GDALRasterBand::GetOverviewCount();
    if (nExternal > 0)
        return nExternal;
    return static_cast<HEATMAPDataset *>(poDS)->GetNativeOverviewCount();
}

GDALRasterBand *HEATMAPRasterBand::GetOverview(int iOverview)
{
    if (GDALRasterBand::GetOverviewCount() > 0)
        return GDALRasterBand::GetOverview(iOverview);
    HEATMAPDataset *poOvr = static_cast<HEATMAPDataset *>(poDS)->GetNativeOverview(iOverview);
    return poOvr ? poOvr->GetRasterBand(nBand) : nullptr;
}

/************************************************************************/
/*                        HEATMAPStyledRasterBand                       */
/************************************************************************/

HEATMAPStyledRasterBand::HEATMAPStyledRasterBand(HEATMAPDataset *poDSIn, int nBandIn,
                                                 GDALColorInterp eInterp)
    : m_eInterp(eInterp)
{
    poDS = poDSIn;
    nBand = nBandIn;
    eDataType = GDT_Byte;
    nBlockXSize = poDSIn->m_nBlockSize;
    nBlockYSize = poDSIn->m_nBlockSize;
    eAccess = GA_ReadOnly;
    if (eInterp == GCI_PaletteIndex)
    {
        SetDescription(hm_band_get_name(hm_style_get_band(poDSIn->m_style)));
        m_poColorTable = std::make_unique<GDALColorTable>();
        const hm_rgba *psColors = hm_style_get_colors(poDSIn->m_style);
        for (int i = 0; i < 256; ++i)
        {
            const GDALColorEntry sEntry = {psColors[i].r, psColors[i].g, psColors[i].b,
                                           psColors[i].a};
            m_poColorTable->SetColorEntry(i, &sEntry);
        }
    }
    else
    {
        SetDescription(GDALGetColorInterpretationName(eInterp));
    }
}

CPLErr HEATMAPStyledRasterBand::IReadBlock(int nBlockXOff, int nBlockYOff, void *pImage)
{
    return static_cast<HEATMAPDataset *>(poDS)->ReadStyledBlock(nBand, nBlockXOff, nBlockYOff,
                                                                   pImage);
}

int HEATMAPStyledRasterBand::IGetDataCoverageStatus(int nXOff, int nYOff, int nXSize,
                                                    int nYSize, int nMaskFlagStop,
                                                    double *pdfDataPct)
{
    return static_cast<HEATMAPDataset *>(poDS)->GetCoverageStatus(
        nXOff, nYOff, nXSize, nYSize, nMaskFlagStop, pdfDataPct);
}

GDALColorInterp HEATMAPStyledRasterBand::GetColorInterpretation()
{
    return m_eInterp;
}

GDALColorTable *HEATMAPStyledRasterBand::GetColorTable()
{
    return m_poColorTable.get();
}

double HEATMAPStyledRasterBand::GetNoDataValue(int *pbSuccess)
{
    // Palette index 0 is "no data"; RGBA says it with the alpha band instead.
    const bool bHasNoData = m_eInterp == GCI_PaletteIndex;
    if (pbSuccess)
        *pbSuccess = bHasNoData ? TRUE : FALSE;
    return 0.0;
}

int HEATMAPStyledRasterBand::GetOverviewCount()
{
    const int nExternal = GDALRasterBand::GetOverviewCount();
    if (nExternal > 0)
        return nExternal;
    return static_cast<HEATMAPDataset *>(poDS)->GetNativeOverviewCount();
}

GDALRasterBand *HEATMAPStyledRasterBand::GetOverview(int iOverview)
{
    if (GDALRasterBand::GetOverviewCount() > 0)
        return GDALRasterBand::GetOverview(iOverview);
    HEATMAPDataset *poOvr = static_cast<HEATMAPDataset *>(poDS)->GetNativeOverview(iOverview);
    return poOvr ? poOvr->GetRasterBand(nBand) : nullptr;
}

/************************************************************************/
/*                             LocationInfo                             */
/************************************************************************/

// Both kinds of band answer "which activities pass through this pixel" for their own
// level (driver/heatmaplocationinfo.cpp), as VRT bands answer "which files".

char **HEATMAPRasterBand::GetMetadataDomainList()
{
    return BuildMetadataDomainList(GDALRasterBand::GetMetadataDomainList(), FALSE,
                                   "LocationInfo", nullptr);
}

const char *HEATMAPRasterBand::GetMetadataItem(const char *pszName, const char *pszDomain)
{
    if (pszDomain != nullptr && EQUAL(pszDomain, "LocationInfo"))
        return static_cast<HEATMAPDataset *>(poDS)->GetLocationInfo(pszName,
                                                                    m_osLastLocationInfo);
    return GDALRasterBand::GetMetadataItem(pszName, pszDomain);
}

char **HEATMAPStyledRasterBand::GetMetadataDomainList()
{
    return BuildMetadataDomainList(GDALRasterBand::GetMetadataDomainList(), FALSE,
                                   "LocationInfo", nullptr);
}

const char *HEATMAPStyledRasterBand::GetMetadataItem(const char *pszName,
                                                     const char *pszDomain)
{
    if (pszDomain != nullptr && EQUAL(pszDomain, "LocationInfo"))
        return static_cast<HEATMAPDataset *>(poDS)->GetLocationInfo(pszName,
                                                                    m_osLastLocationInfo);
    return GDALRasterBand::GetMetadataItem(pszName, pszDomain);
}
