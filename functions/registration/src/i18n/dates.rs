//! Dates and times as each language writes them, by ICU4X's CLDR data: the
//! weekday, day, month, year and time in the program's zone, with the zone's
//! name (`Wednesday, 28 September 2022, 10:00 Pakistan Standard Time`). Each
//! language's own calendar and digits come with it: Persian in the Solar Hijri
//! calendar with Persian digits, as Iran and Afghanistan write dates.

use crate::program::Language;
use icu_calendar::{Date, Iso};
use icu_datetime::DateTimeFormatter;
use icu_datetime::DateTimeFormatterLoadError;
use icu_datetime::fieldsets::zone::{SpecificLong, SpecificShort};
use icu_datetime::fieldsets::{Combo, YMDET};
use icu_datetime::options::TimePrecision;
use icu_time::zone::{TimeZoneInfo, UtcOffset};
use icu_time::{DateTime, Time, TimeZone, ZonedDateTime};
use jiff::Timestamp;
use std::cell::OnceCell;

/// The weekday, date and time to the minute, then the zone: its name where
/// the time is the program's (`Pakistan Standard Time`), `UTC` for UTC.
type LocalFields = Combo<YMDET, SpecificLong>;
type UtcFields = Combo<YMDET, SpecificShort>;

/// `at` in `zone`, as `language` writes a date and time for people.
pub fn local_time(language: Language, at: Timestamp, zone: &jiff::tz::TimeZone) -> String {
    let zoned = at.to_zoned_datetime(zone.clone());
    let date_time = iso_date_time(zoned.datetime());
    let offset = UtcOffset::try_from_seconds(zoned.offset().seconds()).ok();
    let time_zone = zone
        .iana_name()
        .map_or(TimeZone::UNKNOWN, TimeZone::from_iana_id)
        .with_offset(offset)
        .at_date_time(date_time);
    let zoned = ZonedDateTime {
        date: date_time.date,
        time: date_time.time,
        zone: time_zone,
    };
    let make =
        || DateTimeFormatter::try_new(prefs(language), date_time_fields().with_zone(SpecificLong));
    with_formatter(
        &LOCAL_FORMATTERS,
        language,
        make,
        |formatter| match formatter {
            Ok(formatter) => formatter.format(&zoned).to_string(),
            Err(err) => no_format(language, err, at),
        },
    )
}

/// `at` in UTC, as `language` writes it.
pub fn utc_time(language: Language, at: Timestamp) -> String {
    let date_time = iso_date_time(at.to_zoned_datetime(jiff::tz::TimeZone::UTC).datetime());
    let zone = TimeZoneInfo::utc().at_date_time(date_time);
    let zoned = ZonedDateTime {
        date: date_time.date,
        time: date_time.time,
        zone,
    };
    let make =
        || DateTimeFormatter::try_new(prefs(language), date_time_fields().with_zone(SpecificShort));
    with_formatter(
        &UTC_FORMATTERS,
        language,
        make,
        |formatter| match formatter {
            Ok(formatter) => formatter.format(&zoned).to_string(),
            Err(err) => no_format(language, err, at),
        },
    )
}

type Formatters<F> = [OnceCell<Result<DateTimeFormatter<F>, DateTimeFormatterLoadError>>; 6];

// Each language's formatters, made on first use in each thread: making one
// loads its data (milliseconds in a debug build), formatting with it takes
// microseconds, and a send-links run writes the same dates in every email.
// Per thread, as ICU4X's data is not `Sync` without its `sync` feature.
thread_local! {
    static LOCAL_FORMATTERS: Formatters<LocalFields> = const { [const { OnceCell::new() }; 6] };
    static UTC_FORMATTERS: Formatters<UtcFields> = const { [const { OnceCell::new() }; 6] };
}

/// `write` with `language`'s formatter from `formatters`, made by `make` the first time.
fn with_formatter<F: icu_datetime::scaffold::DateTimeMarkers>(
    formatters: &'static std::thread::LocalKey<Formatters<F>>,
    language: Language,
    make: impl FnOnce() -> Result<DateTimeFormatter<F>, DateTimeFormatterLoadError>,
    write: impl FnOnce(&Result<DateTimeFormatter<F>, DateTimeFormatterLoadError>) -> String,
) -> String {
    let index = Language::ALL
        .iter()
        .position(|l| *l == language)
        .unwrap_or(0);
    formatters.with(|formatters| write(formatters[index].get_or_init(make)))
}

fn prefs(language: Language) -> icu_datetime::DateTimeFormatterPreferences {
    language.icu_locale().into()
}

fn date_time_fields() -> YMDET {
    YMDET::long().with_time_precision(TimePrecision::Minute)
}

/// The compiled-in data covers every language; should one lack it, the ISO
/// form is still a time the reader can use.
fn no_format(language: Language, err: &dyn std::fmt::Display, at: Timestamp) -> String {
    tracing::error!(language = language.code(), %err, "no date format for the language");
    at.to_string()
}

fn iso_date_time(local: jiff::civil::DateTime) -> DateTime<Iso> {
    // jiff's civil values are always valid ISO dates and times.
    let date = Date::try_new_iso(local.year().into(), local.month() as u8, local.day() as u8)
        .unwrap_or_else(|_| Date::try_new_iso(1970, 1, 1).expect("1970-01-01 is a date"));
    let time = Time::try_new(local.hour() as u8, local.minute() as u8, 0, 0)
        .unwrap_or(Time::start_of_day());
    DateTime { date, time }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn a_persian_date_is_written_in_the_solar_hijri_calendar_with_persian_digits() {
        let tehran = jiff::tz::TimeZone::get("Asia/Tehran").unwrap();
        let written = local_time(Language::Fa, at("2026-03-25T06:30:00Z"), &tehran);
        assert_eq!(
            written,
            "چهارشنبه ۵ فروردین ۱۴۰۵ ساعت ۱۰:۰۰ (وقت عادی ایران)"
        );
    }

    #[test]
    fn a_chinese_date_is_written_as_chinese_writes_it() {
        let shanghai = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
        let written = local_time(Language::Zh, at("2026-03-25T02:00:00Z"), &shanghai);
        assert_eq!(written, "2026年3月25日星期三 中国标准时间 10:00");
    }

    #[test]
    fn english_writes_the_day_before_the_month_and_a_24_hour_clock() {
        let karachi = jiff::tz::TimeZone::get("Asia/Karachi").unwrap();
        let written = local_time(Language::En, at("2022-09-28T05:00:00Z"), &karachi);
        assert_eq!(
            written,
            "Wednesday, 28 September 2022 at 10:00 Pakistan Standard Time"
        );
    }

    #[test]
    fn every_language_writes_utc_as_utc() {
        let written: Vec<String> = Language::ALL
            .into_iter()
            .map(|language| utc_time(language, at("2026-03-25T14:00:00Z")))
            .collect();
        assert_eq!(
            written,
            [
                "Wednesday, 25 March 2026 at 14:00 UTC",
                "среда, 25 марта 2026\u{202f}г. в 14:00 UTC",
                "2026年3月25日星期三 UTC 14:00",
                "چهارشنبه ۵ فروردین ۱۴۰۵ ساعت ۱۴:۰۰ (UTC)",
                "25 Mart 2026 Çarşamba 14:00 UTC",
                "بدھ، 25 مارچ، 2026 2:00 PM UTC",
            ]
        );
    }
}
