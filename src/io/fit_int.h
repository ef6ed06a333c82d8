/* SPDX-License-Identifier: MIT */
/*
 * Private to the FIT reader, which has three parts:
 *   fit.c           the container: window over the stream, CRCs, file
 *                   headers, chained files, message framing, definitions,
 *                   and what to do when the file breaks;
 *   fit_activity.c  the profile side: which fields of which messages
 *                   matter, their values, and the activity they make;
 *   fit_profile.c   the FIT profile's enum names (sport, sub_sport,
 *                   manufacturer), long tables with no logic.
 * The container reduces each definition to an hm_fit_def (where the fields
 * the profile side wants sit in a data message) so that decoding a data
 * message is a few loads; the profile side never sees raw definitions.
 */
#ifndef HM_IO_FIT_INT_H
#define HM_IO_FIT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "track/builder_int.h"

/* FIT profile name of a sport enum value, or NULL when the value is unknown. Static storage. */
const char *hm_fit__sport_name(unsigned value);

/* FIT profile name of a sub_sport enum value, or NULL when unknown. Static storage. */
const char *hm_fit__sub_sport_name(unsigned value);

/* FIT profile name of a manufacturer id, or NULL when unknown. Static storage. */
const char *hm_fit__manufacturer_name(unsigned value);

/* Field slots per definition: the most any decoded message uses (record). */
#define HM_FIT_NSLOT 11

/* Field number of the timestamp, the same in every message. */
#define HM_FIT_FIELD_TIMESTAMP 253

/* Value types as the decoder reads them (several FIT base types share one). */
enum {
    HM_FIT_NONE = 0, /* absent, not numeric, or misaligned: never read */
    HM_FIT_U8, HM_FIT_S8, HM_FIT_U8Z, HM_FIT_U16, HM_FIT_S16, HM_FIT_U16Z, HM_FIT_U32,
    HM_FIT_S32, HM_FIT_U32Z, HM_FIT_F32, HM_FIT_F64, HM_FIT_S64, HM_FIT_U64, HM_FIT_U64Z
};

/* Where one field sits in a data message of some definition. */
typedef struct hm_fit_field {
    uint16_t off; /* byte offset in the message content (after the header byte) */
    uint8_t kind; /* HM_FIT_*; HM_FIT_NONE when the message lacks the field */
    uint8_t be;   /* 1 when big endian */
} hm_fit_field;

/* A local message definition, reduced to what the profile side reads. */
typedef struct hm_fit_def {
    int defined;                   /* 1 once a definition message set it */
    unsigned global;               /* global message number */
    size_t size;                   /* bytes of a data message's content, developer fields included */
    hm_fit_field ts;               /* field 253, timestamp */
    hm_fit_field f[HM_FIT_NSLOT];  /* fields by slot, see hm_fit__slot_of() */
} hm_fit_def;

/* Running agreement of the sport/sub_sport pairs of several messages. */
typedef struct hm_fit_sports {
    int n;             /* pairs seen with a valid sport */
    unsigned sport;    /* first valid sport */
    unsigned sub;      /* its sub_sport, 0xFF when invalid */
    int sport_differs; /* 1 when a later sport differed */
    int sub_differs;   /* 1 when a later sub_sport differed */
} hm_fit_sports;

/* The activity being assembled from decoded messages, over all chained files. */
typedef struct hm_fit_activity {
    hm_ctx *ctx;            /* borrowed */
    hm_builder *b;          /* borrowed; points and metadata go here */
    uint32_t last_ts;       /* last full timestamp (FIT s), the base of compressed headers */
    int have_ts;            /* 1 when last_ts is valid */
    int seen;               /* a record, session, sport or timer event was decoded */
    size_t npos;            /* points with a position */
    int any_time;           /* some point has a time */
    int timer_stopped;      /* a timer stop event came and no start yet */
    int have_device;        /* the file_id fields below are set */
    unsigned file_type;     /* type of that file_id (4 = activity), 0xFF unknown */
    unsigned manufacturer;  /* 0xFFFF when invalid */
    unsigned product;       /* 0xFFFF when invalid */
    int have_created;       /* time_created valid */
    uint32_t time_created;  /* FIT s */
    int have_start;         /* a session start_time was seen */
    uint32_t start_time;    /* FIT s, of the first session */
    hm_fit_sports sessions; /* sports of session messages */
    hm_fit_sports sports;   /* sports of sport messages */
    int saw_virtual;        /* a sub_sport virtual_activity was seen */
    int saw_indoor_cycling; /* cycling/indoor_cycling was seen */
    int have_corr;          /* a timestamp_correlation gave corr */
    double corr;            /* s to add to a device-relative time to make it UTC */
    hm_point *pend;         /* points held back while their time is device-relative */
    size_t npend;           /* used entries of pend */
    size_t cap_pend;        /* allocated entries of pend */
    size_t *marks;          /* indexes in pend where a new segment begins */
    size_t nmarks;          /* used entries of marks */
    size_t cap_marks;       /* allocated entries of marks */
} hm_fit_activity;

void hm_fit__activity_init(hm_fit_activity *a, hm_ctx *ctx, hm_builder *b);
void hm_fit__activity_free(hm_fit_activity *a);

/* Slot of field `num` of global message `global` in hm_fit_def.f, or -1 when not read. */
int hm_fit__slot_of(unsigned global, unsigned num);

/*
 * Decode the content of a data message of definition d. have_ts/ts: the
 * time of a compressed header (the message's own field 253 wins).
 * Returns HM_OK or HM_ENOMEM.
 */
int hm_fit__on_data(hm_fit_activity *a, const hm_fit_def *d, const unsigned char *msg,
                    int have_ts, uint32_t ts);

/* Hand over the points still held back (input ended or broke). HM_OK or HM_ENOMEM. */
int hm_fit__activity_flush(hm_fit_activity *a);

/* Set the activity's metadata once the input is done (and open it if no point did). */
int hm_fit__activity_finish(hm_fit_activity *a);

#endif /* HM_IO_FIT_INT_H */
