// SPDX-License-Identifier: MIT
//
// LocationInfo: which activities pass through a pixel, asked the way GDAL
// asks the VRT driver which files make a pixel: a band's metadata item
// "Pixel_<x>_<y>" (or "GeoPixel_<x>_<y>", georeferenced) of the
// "LocationInfo" domain is an XML document, which gdallocationinfo prints
// (whole, in its -xml report, or only the <File> elements with -lifonly):
//
//   <LocationInfo><File>/tracks/a.gpx</File>...
//     <Activity index="0" file="/tracks/a.gpx" name="Morning Ride"
//               start="2023-05-01T07:00:00Z" sport="cycling" sub_sport="gravel"/>...
//   </LocationInfo>
//
// One <File> per file (in path order), one <Activity> per activity, the
// ones the count band counts at that pixel of this dataset's level (the
// engine's hm_raster_query_pixel() decides; nothing is computed here). The
// document is well-formed whatever bytes the names hold (see
// HEATMAPAppendXMLText()).

#include "heatmapdataset.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <new>

#include "cpl_string.h"

/************************************************************************/
/*                              XML text                                */
/************************************************************************/

// Append text as XML character data or attribute value (either quote), well-formed
// whatever its bytes: file names need not be UTF-8, and XML 1.0 cannot carry every
// character. A byte outside valid UTF-8 is read as Latin-1 (the usual legacy encoding of
// such names, which stays readable); C0 controls, U+FFFE and U+FFFF, which XML cannot
// hold even escaped, become U+FFFD; tab, newline and carriage return are escaped, so a
// parser's normalisation of white space keeps them.
static void HEATMAPAppendXMLText(std::string &osOut, const char *pszText)
{
    const unsigned char *p = reinterpret_cast<const unsigned char *>(pszText);
    static const char szReplacement[] = "\xef\xbf\xbd";  // U+FFFD

    while (*p)
    {
        const unsigned char c = *p;
        // The NUL ends any sequence, so 4 bytes of room can never read past it.
        const size_t n = hm_utf8_length(reinterpret_cast<const char *>(p), 4);
        if (n == 0)
        {
            osOut += static_cast<char>(0xc0 | (c >> 6));
            osOut += static_cast<char>(0x80 | (c & 0x3f));
            ++p;
            continue;
        }
        switch (c)
        {
            case '&':
                osOut += "&amp;";
                break;
            case '<':
                osOut += "&lt;";
                break;
            case '>':
                osOut += "&gt;";
                break;
            case '"':
                osOut += "&quot;";
                break;
            case '\'':
                osOut += "&apos;";
                break;
            case '\t':
                osOut += "&#9;";
                break;
            case '\n':
                osOut += "&#10;";
                break;
            case '\r':
                osOut += "&#13;";
                break;
            default:
                if (c < 0x20 || (n == 3 && c == 0xef && p[1] == 0xbf && p[2] >= 0xbe))
                    osOut += szReplacement;
                else
                    osOut.append(reinterpret_cast<const char *>(p), n);
                break;
        }
        p += n;
    }
}

static void HEATMAPAppendAttribute(std::string &osOut, const char *pszName,
                                   const char *pszValue)
{
    osOut += ' ';
    osOut += pszName;
    osOut += "=\"";
    HEATMAPAppendXMLText(osOut, pszValue);
    osOut += '"';
}

/************************************************************************/
/*                            the document                              */
/************************************************************************/

// The pixel a LocationInfo item names, in this dataset's pixels; false when the name is
// not one or the pixel is outside the dataset.
static bool HEATMAPParsePixel(const char *pszName, const double adfGeoTransform[6], int nXSize,
                              int nYSize, int *pnPixel, int *pnLine)
{
    double dfPixel = 0.0;
    double dfLine = 0.0;
    if (STARTS_WITH_CI(pszName, "Pixel_"))
    {
        const char *pszX = pszName + strlen("Pixel_");
        char *pszEnd = nullptr;
        errno = 0;
        const long nX = strtol(pszX, &pszEnd, 10);
        if (pszEnd == pszX || *pszEnd != '_')
            return false;
        const char *pszY = pszEnd + 1;
        const long nY = strtol(pszY, &pszEnd, 10);
        if (pszEnd == pszY || errno != 0)
            return false;
        dfPixel = static_cast<double>(nX);
        dfLine = static_cast<double>(nY);
    }
    else if (STARTS_WITH_CI(pszName, "GeoPixel_"))
    {
        const char *pszX = pszName + strlen("GeoPixel_");
        const char *pszUnderscore = strchr(pszX, '_');
        if (pszUnderscore == nullptr)
            return false;
        const double dfGeoX = CPLAtof(pszX);
        const double dfGeoY = CPLAtof(pszUnderscore + 1);
        double adfInv[6];
        if (!GDALInvGeoTransform(const_cast<double *>(adfGeoTransform), adfInv))
            return false;
        dfPixel = std::floor(adfInv[0] + adfInv[1] * dfGeoX + adfInv[2] * dfGeoY);
        dfLine = std::floor(adfInv[3] + adfInv[4] * dfGeoX + adfInv[5] * dfGeoY);
    }
    else
    {
        return false;
    }
    // Compared as doubles: NaN and huge values fail before any conversion to int.
    if (!(dfPixel >= 0.0 && dfPixel < nXSize && dfLine >= 0.0 && dfLine < nYSize))
        return false;
    *pnPixel = static_cast<int>(dfPixel);
    *pnLine = static_cast<int>(dfLine);
    return true;
}

// The document for activities panActs[0 .. nActs) (increasing, hence file after file): each
// file once, then each activity, built in one pass over the activities.
static void HEATMAPBuildLocationInfo(std::string &osXML, const hm_source *psSource,
                                     const size_t *panActs, size_t nActs)
{
    std::string osFiles;
    std::string osActs;
    size_t nLastFile = static_cast<size_t>(-1);
    for (size_t i = 0; i < nActs; ++i)
    {
        hm_source_activity sAct;
        hm_source_get_activity(psSource, panActs[i], &sAct);
        hm_source_file sFile;
        hm_source_get_file(psSource, sAct.file, &sFile);
        if (sAct.file != nLastFile)
        {
            nLastFile = sAct.file;
            osFiles += "<File>";
            HEATMAPAppendXMLText(osFiles, sFile.path);
            osFiles += "</File>";
        }
        osActs += "<Activity";
        HEATMAPAppendAttribute(osActs, "index", CPLSPrintf("%zu", panActs[i]));
        HEATMAPAppendAttribute(osActs, "file", sFile.path);
        HEATMAPAppendAttribute(osActs, "name", sAct.name);
        const std::string osStart = HEATMAPFormatTime(sAct.start_time);
        if (!osStart.empty())
            HEATMAPAppendAttribute(osActs, "start", osStart.c_str());
        if (sAct.sport[0])
            HEATMAPAppendAttribute(osActs, "sport", sAct.sport);
        if (sAct.sub_sport[0])
            HEATMAPAppendAttribute(osActs, "sub_sport", sAct.sub_sport);
        osActs += "/>";
    }
    osXML = "<LocationInfo>" + osFiles + osActs + "</LocationInfo>";
}

// The LocationInfo item pszName of any band of this dataset, kept in osXML (the band's, so
// that the pointer returned lives until that band is asked again); nullptr when the name
// is not a pixel of the dataset, or on error (raised).
const char *HEATMAPDataset::GetLocationInfo(const char *pszName, std::string &osXML)
{
    int nPixel = 0;
    int nLine = 0;
    if (pszName == nullptr ||
        !HEATMAPParsePixel(pszName, m_adfGeoTransform, nRasterXSize, nRasterYSize, &nPixel,
                           &nLine))
        return nullptr;

    size_t *panActs = nullptr;
    size_t nActs = 0;
    const int rc =
        hm_raster_query_pixel(&panActs, &nActs, m_raster, m_ctx, m_nLevel, nPixel, nLine);
    if (rc != HM_OK)
    {
        HEATMAPReportError(m_ctx, rc);
        return nullptr;
    }
    CPLDebug("HEATMAP", "LocationInfo level %d pixel (%d, %d): %zu activities", m_nLevel,
             nPixel, nLine, nActs);
    const char *pszRet = nullptr;
    try
    {
        HEATMAPBuildLocationInfo(osXML, hm_raster_get_source(m_raster), panActs, nActs);
        pszRet = osXML.c_str();
    }
    catch (const std::bad_alloc &)
    {
        CPLError(CE_Failure, CPLE_OutOfMemory, "HEATMAP: out of memory listing %zu activities",
                 nActs);
    }
    hm_ctx_free_mem(m_ctx, panActs);
    return pszRet;
}
