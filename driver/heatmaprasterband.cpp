// SPDX-License-Identifier: MIT
//
// HEATMAPRasterBand: one engine band (count, log_count, pace, hr, recency)
// as a Float32 GDAL band with 256x256 blocks. Everything a band knows comes
// from the engine (name, unit, nodata); block reads and coverage queries go
// to the dataset, which renders all bands of a block at once. Overviews are
// the native levels of the dataset unless external .ovr overviews exist.

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
