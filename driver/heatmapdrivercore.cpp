// SPDX-License-Identifier: MIT
//
// Identify, driver metadata and registration of the HEATMAP driver.
// Identify() is deliberately narrow: the "HEATMAP:" prefix, or a file whose
// header is a <HeatmapDataset> descriptor (hm_spec_sniff_descriptor, the way
// the VRT driver recognises <VRTDataset). It never looks at .gpx/.tcx/.fit
// content, so GDAL's GPX vector driver keeps opening plain .gpx files and
// frmts/fit keeps its unrelated .fit images. The OpenOptionList is generated
// from the engine's option table, so every key hm_spec_set() accepts is
// declared exactly once and documented.

#include "heatmapdrivercore.h"
#include "heatmapdataset.h"

#include <string>

#include "cpl_string.h"

#include <heatmap.h>

int HEATMAPDriverIdentify(GDALOpenInfo *poOpenInfo)
{
    if (STARTS_WITH_CI(poOpenInfo->pszFilename, HEATMAP_PREFIX))
        return TRUE;
    return poOpenInfo->fpL != nullptr && poOpenInfo->nHeaderBytes > 0 &&
           hm_spec_sniff_descriptor(poOpenInfo->pabyHeader,
                                    static_cast<size_t>(poOpenInfo->nHeaderBytes));
}

static const char *HEATMAPOptionType(hm_option_type eType)
{
    switch (eType)
    {
        case HM_OPTION_INT:
            return "int";
        case HM_OPTION_FLOAT:
            return "float";
        case HM_OPTION_BOOLEAN:
            return "boolean";
        case HM_OPTION_STRING_SELECT:
            return "string-select";
        case HM_OPTION_STRING:
            break;
    }
    return "string";
}

static std::string HEATMAPEscapeXML(const char *pszText)
{
    char *pszEscaped = CPLEscapeString(pszText, -1, CPLES_XML);
    std::string osRet(pszEscaped);
    CPLFree(pszEscaped);
    return osRet;
}

// <OpenOptionList> built from hm_spec_get_option(): the one table of options.
static std::string HEATMAPBuildOpenOptionList()
{
    std::string osList("<OpenOptionList>");
    const size_t nCount = hm_spec_get_option_count();
    for (size_t i = 0; i < nCount; ++i)
    {
        const hm_option_info *psInfo = hm_spec_get_option(i);
        osList += "<Option name=\"";
        osList += psInfo->name;
        osList += "\" type=\"";
        osList += HEATMAPOptionType(psInfo->type);
        osList += "\" description=\"";
        osList += HEATMAPEscapeXML(psInfo->description);
        osList += "\"";
        if (psInfo->default_value)
        {
            osList += " default=\"";
            osList += HEATMAPEscapeXML(psInfo->default_value);
            osList += "\"";
        }
        if (psInfo->min)
            osList += std::string(" min=\"") + psInfo->min + "\"";
        if (psInfo->max)
            osList += std::string(" max=\"") + psInfo->max + "\"";
        if (!psInfo->choices)
        {
            osList += "/>";
            continue;
        }
        // string-select: GDAL validates the value, QGIS offers the choices.
        osList += ">";
        const CPLStringList aosChoices(CSLTokenizeString2(psInfo->choices, ",", 0));
        for (int j = 0; j < aosChoices.size(); ++j)
        {
            osList += "<Value>";
            osList += HEATMAPEscapeXML(aosChoices[j]);
            osList += "</Value>";
        }
        osList += "</Option>";
    }
    osList += "</OpenOptionList>";
    return osList;
}

void HEATMAPDriverSetCommonMetadata(GDALDriver *poDriver)
{
    poDriver->SetDescription(HEATMAP_DRIVER_NAME);
    poDriver->SetMetadataItem(GDAL_DCAP_RASTER, "YES");
    poDriver->SetMetadataItem(GDAL_DCAP_VIRTUALIO, "YES");
    poDriver->SetMetadataItem(GDAL_DMD_LONGNAME,
                              "Heatmap of GPS activities (GPX, TCX, FIT)");
    poDriver->SetMetadataItem(GDAL_DMD_HELPTOPIC, "README.md#gdal-driver");
    poDriver->SetMetadataItem(GDAL_DMD_CONNECTION_PREFIX, HEATMAP_PREFIX);
    poDriver->SetMetadataItem(GDAL_DMD_EXTENSION, "heatmap");
    poDriver->SetMetadataItem(GDAL_DMD_OPENOPTIONLIST,
                              HEATMAPBuildOpenOptionList().c_str());
}

void GDALRegister_HEATMAP()
{
    if (!GDAL_CHECK_VERSION(HEATMAP_DRIVER_NAME))
        return;
    if (GDALGetDriverByName(HEATMAP_DRIVER_NAME) != nullptr)
        return;

    GDALDriver *poDriver = new GDALDriver();
    HEATMAPDriverSetCommonMetadata(poDriver);
    poDriver->pfnIdentify = HEATMAPDriverIdentify;
    poDriver->pfnOpen = HEATMAPDataset::Open;
    GetGDALDriverManager()->RegisterDriver(poDriver);
}
