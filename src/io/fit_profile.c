/* SPDX-License-Identifier: MIT */
/*
 * FIT profile names for the enumerations the reader reports: sport,
 * sub_sport and manufacturer, as in the FIT SDK profile (21.1x). Tables are
 * indexed by value with designated initializers, so a gap is simply NULL and
 * a lookup is one bounds check. When Garmin adds values, append them here;
 * unknown values are reported by number, so an old table is never wrong,
 * only less friendly.
 */
#include <stddef.h>

#include "io/fit_int.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const sport_names[] = {
    [0] = "generic", [1] = "running", [2] = "cycling", [3] = "transition",
    [4] = "fitness_equipment", [5] = "swimming", [6] = "basketball", [7] = "soccer",
    [8] = "tennis", [9] = "american_football", [10] = "training", [11] = "walking",
    [12] = "cross_country_skiing", [13] = "alpine_skiing", [14] = "snowboarding", [15] = "rowing",
    [16] = "mountaineering", [17] = "hiking", [18] = "multisport", [19] = "paddling",
    [20] = "flying", [21] = "e_biking", [22] = "motorcycling", [23] = "boating", [24] = "driving",
    [25] = "golf", [26] = "hang_gliding", [27] = "horseback_riding", [28] = "hunting",
    [29] = "fishing", [30] = "inline_skating", [31] = "rock_climbing", [32] = "sailing",
    [33] = "ice_skating", [34] = "sky_diving", [35] = "snowshoeing", [36] = "snowmobiling",
    [37] = "stand_up_paddleboarding", [38] = "surfing", [39] = "wakeboarding",
    [40] = "water_skiing", [41] = "kayaking", [42] = "rafting", [43] = "windsurfing",
    [44] = "kitesurfing", [45] = "tactical", [46] = "jumpmaster", [47] = "boxing",
    [48] = "floor_climbing", [49] = "baseball", [53] = "diving", [56] = "shooting",
    [58] = "winter_sport", [59] = "grinding", [62] = "hiit", [63] = "video_gaming",
    [64] = "racket", [65] = "wheelchair_push_walk", [66] = "wheelchair_push_run",
    [67] = "meditation", [68] = "para_sport", [69] = "disc_golf", [70] = "team_sport",
    [71] = "cricket", [72] = "rugby", [73] = "hockey", [74] = "lacrosse", [75] = "volleyball",
    [76] = "water_tubing", [77] = "wakesurfing", [78] = "water_sport", [79] = "archery",
    [80] = "mixed_martial_arts", [81] = "motor_sports", [82] = "snorkeling", [83] = "dance",
    [84] = "jump_rope", [85] = "pool_apnea", [86] = "mobility", [87] = "geocaching",
    [88] = "canoeing", [254] = "all",
};

static const char *const sub_sport_names[] = {
    [0] = "generic", [1] = "treadmill", [2] = "street", [3] = "trail", [4] = "track", [5] = "spin",
    [6] = "indoor_cycling", [7] = "road", [8] = "mountain", [9] = "downhill", [10] = "recumbent",
    [11] = "cyclocross", [12] = "hand_cycling", [13] = "track_cycling", [14] = "indoor_rowing",
    [15] = "elliptical", [16] = "stair_climbing", [17] = "lap_swimming", [18] = "open_water",
    [19] = "flexibility_training", [20] = "strength_training", [21] = "warm_up", [22] = "match",
    [23] = "exercise", [24] = "challenge", [25] = "indoor_skiing", [26] = "cardio_training",
    [27] = "indoor_walking", [28] = "e_bike_fitness", [29] = "bmx", [30] = "casual_walking",
    [31] = "speed_walking", [32] = "bike_to_run_transition", [33] = "run_to_bike_transition",
    [34] = "swim_to_bike_transition", [35] = "atv", [36] = "motocross", [37] = "backcountry",
    [38] = "resort", [39] = "rc_drone", [40] = "wingsuit", [41] = "whitewater",
    [42] = "skate_skiing", [43] = "yoga", [44] = "pilates", [45] = "indoor_running",
    [46] = "gravel_cycling", [47] = "e_bike_mountain", [48] = "commuting", [49] = "mixed_surface",
    [50] = "navigate", [51] = "track_me", [52] = "map", [53] = "single_gas_diving",
    [54] = "multi_gas_diving", [55] = "gauge_diving", [56] = "apnea_diving",
    [57] = "apnea_hunting", [58] = "virtual_activity", [59] = "obstacle", [62] = "breathing",
    [63] = "ccr_diving", [65] = "sail_race", [66] = "expedition", [67] = "ultra",
    [68] = "indoor_climbing", [69] = "bouldering", [70] = "hiit", [71] = "indoor_grinding",
    [72] = "hunting_with_dogs", [73] = "amrap", [74] = "emom", [75] = "tabata", [77] = "esport",
    [78] = "triathlon", [79] = "duathlon", [80] = "brick", [81] = "swim_run",
    [82] = "adventure_race", [83] = "trucker_workout", [84] = "pickleball", [85] = "padel",
    [86] = "indoor_wheelchair_walk", [87] = "indoor_wheelchair_run", [88] = "indoor_hand_cycling",
    [90] = "field", [91] = "ice", [92] = "ultimate", [93] = "platform", [94] = "squash",
    [95] = "badminton", [96] = "racquetball", [97] = "table_tennis", [98] = "overland",
    [99] = "trolling_motor", [110] = "fly_canopy", [111] = "fly_paraglide",
    [112] = "fly_paramotor", [113] = "fly_pressurized", [114] = "fly_navigate",
    [115] = "fly_timer", [116] = "fly_altimeter", [117] = "fly_wx", [118] = "fly_vfr",
    [119] = "fly_ifr", [121] = "dynamic_apnea", [123] = "enduro", [124] = "rucking",
    [125] = "rally", [126] = "pool_triathlon", [127] = "e_bike_enduro", [254] = "all",
};

static const char *const manufacturer_names[] = {
    [1] = "garmin", [2] = "garmin_fr405_antfs", [3] = "zephyr", [4] = "dayton", [5] = "idt",
    [6] = "srm", [7] = "quarq", [8] = "ibike", [9] = "saris", [10] = "spark_hk", [11] = "tanita",
    [12] = "echowell", [13] = "dynastream_oem", [14] = "nautilus", [15] = "dynastream",
    [16] = "timex", [17] = "metrigear", [18] = "xelic", [19] = "beurer", [20] = "cardiosport",
    [21] = "a_and_d", [22] = "hmm", [23] = "suunto", [24] = "thita_elektronik", [25] = "gpulse",
    [26] = "clean_mobile", [27] = "pedal_brain", [28] = "peaksware", [29] = "saxonar",
    [30] = "lemond_fitness", [31] = "dexcom", [32] = "wahoo_fitness", [33] = "octane_fitness",
    [34] = "archinoetics", [35] = "the_hurt_box", [36] = "citizen_systems", [37] = "magellan",
    [38] = "osynce", [39] = "holux", [40] = "concept2", [41] = "shimano", [42] = "one_giant_leap",
    [43] = "ace_sensor", [44] = "brim_brothers", [45] = "xplova", [46] = "perception_digital",
    [47] = "bf1systems", [48] = "pioneer", [49] = "spantec", [50] = "metalogics", [51] = "4iiiis",
    [52] = "seiko_epson", [53] = "seiko_epson_oem", [54] = "ifor_powell", [55] = "maxwell_guider",
    [56] = "star_trac", [57] = "breakaway", [58] = "alatech_technology_ltd",
    [59] = "mio_technology_europe", [60] = "rotor", [61] = "geonaute", [62] = "id_bike",
    [63] = "specialized", [64] = "wtek", [65] = "physical_enterprises",
    [66] = "north_pole_engineering", [67] = "bkool", [68] = "cateye", [69] = "stages_cycling",
    [70] = "sigmasport", [71] = "tomtom", [72] = "peripedal", [73] = "wattbike", [76] = "moxy",
    [77] = "ciclosport", [78] = "powerbahn", [79] = "acorn_projects_aps", [80] = "lifebeam",
    [81] = "bontrager", [82] = "wellgo", [83] = "scosche", [84] = "magura", [85] = "woodway",
    [86] = "elite", [87] = "nielsen_kellerman", [88] = "dk_city", [89] = "tacx",
    [90] = "direction_technology", [91] = "magtonic", [92] = "1partcarbon",
    [93] = "inside_ride_technologies", [94] = "sound_of_motion", [95] = "stryd", [96] = "icg",
    [97] = "MiPulse", [98] = "bsx_athletics", [99] = "look", [100] = "campagnolo_srl",
    [101] = "body_bike_smart", [102] = "praxisworks", [103] = "limits_technology",
    [104] = "topaction_technology", [105] = "cosinuss", [106] = "fitcare", [107] = "magene",
    [108] = "giant_manufacturing_co", [109] = "tigrasport", [110] = "salutron",
    [111] = "technogym", [112] = "bryton_sensors", [113] = "latitude_limited",
    [114] = "soaring_technology", [115] = "igpsport", [116] = "thinkrider", [117] = "gopher_sport",
    [118] = "waterrower", [119] = "orangetheory", [120] = "inpeak", [121] = "kinetic",
    [122] = "johnson_health_tech", [123] = "polar_electro", [124] = "seesense",
    [125] = "nci_technology", [126] = "iqsquare", [127] = "leomo", [128] = "ifit_com",
    [129] = "coros_byte", [130] = "versa_design", [131] = "chileaf", [132] = "cycplus",
    [133] = "gravaa_byte", [134] = "sigeyi", [135] = "coospo", [136] = "geoid", [137] = "bosch",
    [138] = "kyto", [139] = "kinetic_sports", [140] = "decathlon_byte", [141] = "tq_systems",
    [142] = "tag_heuer", [143] = "keiser_fitness", [144] = "zwift_byte", [145] = "porsche_ep",
    [146] = "blackbird", [147] = "meilan_byte", [148] = "ezon", [149] = "laisi", [150] = "myzone",
    [151] = "abawo", [152] = "bafang", [153] = "luhong_technology", [255] = "development",
    [257] = "healthandlife", [258] = "lezyne", [259] = "scribe_labs", [260] = "zwift",
    [261] = "watteam", [262] = "recon", [263] = "favero_electronics", [264] = "dynovelo",
    [265] = "strava", [266] = "precor", [267] = "bryton", [268] = "sram", [269] = "navman",
    [270] = "cobi", [271] = "spivi", [272] = "mio_magellan", [273] = "evesports",
    [274] = "sensitivus_gauge", [275] = "podoon", [276] = "life_time_fitness",
    [277] = "falco_e_motors", [278] = "minoura", [279] = "cycliq", [280] = "luxottica",
    [281] = "trainer_road", [282] = "the_sufferfest", [283] = "fullspeedahead",
    [284] = "virtualtraining", [285] = "feedbacksports", [286] = "omata", [287] = "vdo",
    [288] = "magneticdays", [289] = "hammerhead", [290] = "kinetic_by_kurt", [291] = "shapelog",
    [292] = "dabuziduo", [293] = "jetblack", [294] = "coros", [295] = "virtugo",
    [296] = "velosense", [297] = "cycligentinc", [298] = "trailforks", [299] = "mahle_ebikemotion",
    [300] = "nurvv", [301] = "microprogram", [302] = "zone5cloud", [303] = "greenteg",
    [304] = "yamaha_motors", [305] = "whoop", [306] = "gravaa", [307] = "onelap",
    [308] = "monark_exercise", [309] = "form", [310] = "decathlon", [311] = "syncros",
    [312] = "heatup", [313] = "cannondale", [314] = "true_fitness", [315] = "RGT_cycling",
    [316] = "vasa", [317] = "race_republic", [318] = "fazua", [319] = "oreka_training",
    [320] = "lsec", [321] = "lululemon_studio", [322] = "shanyue", [323] = "spinning_mda",
    [324] = "hilldating", [325] = "aero_sensor", [326] = "nike", [327] = "magicshine",
    [328] = "ictrainer", [329] = "absolute_cycling", [330] = "eo_swimbetter", [331] = "mywhoosh",
    [332] = "ravemen", [333] = "tektro_racing_products", [334] = "darad_innovation_corporation",
    [335] = "cycloptim", [337] = "runna", [339] = "zepp", [340] = "peloton", [341] = "carv",
    [342] = "tissot", [345] = "real_velo", [346] = "wetech", [347] = "jespr", [348] = "huawei",
    [349] = "gotoes", [350] = "cadence_app",
};

const char *hm_fit__sport_name(unsigned value)
{
    return value < COUNT(sport_names) ? sport_names[value] : NULL;
}

const char *hm_fit__sub_sport_name(unsigned value)
{
    return value < COUNT(sub_sport_names) ? sub_sport_names[value] : NULL;
}

const char *hm_fit__manufacturer_name(unsigned value)
{
    if (value == 5759)
        return "actigraphcorp";
    return value < COUNT(manufacturer_names) ? manufacturer_names[value] : NULL;
}
