// SPDX-License-Identifier: MIT
//
// The HEATMAP dataset and band classes: a thin adapter over the engine's
// hm_raster. The full-resolution dataset owns the hm_raster and one
// HEATMAPDataset per overview level (created on first use); every dataset,
// overview or not, owns its own hm_ctx, so that handles used from different
// threads never share a context. The hm_raster itself is immutable after
// hm_raster_open() and shared by the engine between handles on the same
// folder. With RENDER, the dataset is styled: the engine's hm_style (owned
// by the full-resolution dataset, borrowed by overviews, immutable) turns
// each block into RGBA or palette indices, and the bands are Byte bands
// (HEATMAPStyledRasterBand) instead of Float32 ones. Derived from GDALDataset, not GDALPamDataset: nothing is ever
// written next to the tracks or in the working directory.

#ifndef HEATMAPDATASET_H
#define HEATMAPDATASET_H

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gdal_priv.h"
#include "ogr_spatialref.h"

#include <heatmap.h>

class HEATMAPRasterBand;
class HEATMAPStyledRasterBand;

class HEATMAPDataset final : public GDALDataset
{
    friend class HEATMAPRasterBand;
    friend class HEATMAPStyledRasterBand;

    hm_ctx *m_ctx = nullptr;        //!< owned; this dataset's engine calls
    hm_spec *m_spec = nullptr;      //!< owned by the full-resolution dataset
    hm_raster *m_raster = nullptr;  //!< owned by the full-resolution dataset
    hm_style *m_style = nullptr;    //!< owned by the full-resolution dataset; nullptr: Float32 bands
    bool m_bOwnsRaster = false;     //!< true for the full-resolution dataset
    int m_nLevel = 0;               //!< 0, or the overview level (pixels 2^k larger)
    int m_nBlockSize = 256;         //!< block side, pixels
    double m_adfGeoTransform[6] = {0, 1, 0, 0, 0, 1};  //!< at this level
    OGRSpatialReference m_oSRS{};   //!< grid CRS
    std::vector<hm_band> m_aeBands{};  //!< engine band of each GDAL band, in order
    int m_nLevelCount = 1;          //!< 1 + native overviews (full-resolution dataset)

    std::mutex m_oOverviewMutex{};  //!< guards the lazy creation of m_apoOverviews
    bool m_bOverviewsCreated = false;
    std::vector<std::unique_ptr<HEATMAPDataset>> m_apoOverviews{};

    HEATMAPDataset(HEATMAPDataset *poParent, int nLevel);

    bool Initialize(GDALOpenInfo *poOpenInfo);
    bool InitializeFromRaster();
    void SetSourceMetadata();
    void CreateOverviews();
    void CreateBands();

    int GetNativeOverviewCount() const;
    HEATMAPDataset *GetNativeOverview(int iOverview);
    CPLErr ReadBlock(int nBand, int nBlockXOff, int nBlockYOff, void *pImage);
    CPLErr ReadStyledBlock(int nBand, int nBlockXOff, int nBlockYOff, void *pImage);
    int GetCoverageStatus(int nXOff, int nYOff, int nXSize, int nYSize,
                          int nMaskFlagStop, double *pdfDataPct);
    const char *GetLocationInfo(const char *pszName, std::string &osXML);
    void SetDuplicatesMetadata(const hm_source *psSource);

    CPL_DISALLOW_COPY_ASSIGN(HEATMAPDataset)

  public:
    HEATMAPDataset() = default;
    ~HEATMAPDataset() override;

    static GDALDataset *Open(GDALOpenInfo *poOpenInfo);

    CPLErr GetGeoTransform(double *padfTransform) override;
    const OGRSpatialReference *GetSpatialRef() const override;
    char **GetMetadataDomainList() override;
};

class HEATMAPRasterBand final : public GDALRasterBand
{
    friend class HEATMAPDataset;

    hm_band m_eBand;                     //!< which engine band this is
    std::string m_osLastLocationInfo{};  //!< the last LocationInfo answer, returned borrowed

    CPL_DISALLOW_COPY_ASSIGN(HEATMAPRasterBand)

  protected:
    CPLErr IReadBlock(int nBlockXOff, int nBlockYOff, void *pImage) override;
    int IGetDataCoverageStatus(int nXOff, int nYOff, int nXSize, int nYSize,
                               int nMaskFlagStop, double *pdfDataPct) override;

  public:
    HEATMAPRasterBand(HEATMAPDataset *poDS, int nBand, hm_band eBand);

    double GetNoDataValue(int *pbSuccess = nullptr) override;
    const char *GetUnitType() override;
    int GetOverviewCount() override;
    GDALRasterBand *GetOverview(int iOverview) override;
    char **GetMetadataDomainList() override;
    const char *GetMetadataItem(const char *pszName, const char *pszDomain = "") override;
};

class HEATMAPStyledRasterBand final : public GDALRasterBand
{
    friend class HEATMAPDataset;

    GDALColorInterp m_eInterp;                        //!< red, green, blue, alpha or palette index
    std::unique_ptr<GDALColorTable> m_poColorTable{};  //!< the style's colours (palette mode)
    std::string m_osLastLocationInfo{};  //!< the last LocationInfo answer, returned borrowed

    CPL_DISALLOW_COPY_ASSIGN(HEATMAPStyledRasterBand)

  protected:
    CPLErr IReadBlock(int nBlockXOff, int nBlockYOff, void *pImage) override;
    int IGetDataCoverageStatus(int nXOff, int nYOff, int nXSize, int nYSize,
                               int nMaskFlagStop, double *pdfDataPct) override;

  public:
    HEATMAPStyledRasterBand(HEATMAPDataset *poDS, int nBand, GDALColorInterp eInterp);

    GDALColorInterp GetColorInterpretation() override;
    GDALColorTable *GetColorTable() override;
    double GetNoDataValue(int *pbSuccess = nullptr) override;
    int GetOverviewCount() override;
    GDALRasterBand *GetOverview(int iOverview) override;
    char **GetMetadataDomainList() override;
    const char *GetMetadataItem(const char *pszName, const char *pszDomain = "") override;
};

//! Raise the context's last error (after a call that returned rc) as a CPLError.
void HEATMAPReportError(hm_ctx *ctx, int rc);

//! Unix seconds as ISO 8601 UTC text, whole seconds ("2023-05-01T07:00:00Z"), by the engine's
//! one formatter (hm_time_format_iso8601); "" for NaN or a time outside the years 0000-9999.
std::string HEATMAPFormatTime(double dfTime);

#endif // HEATMAPDATASET_H
