//! `report`: one self-contained HTML page (inline SVG and CSS, no script, no
//! external request) that a director can read on screen or on paper, headed by
//! the event's title and start (in the event's zone): the registrations per day
//! (cumulative, by status now), the top countries with ECO members marked, the
//! path registered → confirmed → link sent → delivered, and the counts of
//! `stats` as a table. The charts are drawn here, by hand: a few rectangles
//! each, which no charting crate makes simpler without a script or an external
//! request.

use crate::tally::{ByStatus, Tally, country_name, is_eco_member};
use crate::target::Heading;
use askama::Template;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use registration::domain::RegistrationStatus;

/// The statuses stacked from the bottom, each with its CSS class and label.
const STACK: [(RegistrationStatus, &str); 4] = [
    (RegistrationStatus::Confirmed, "confirmed"),
    (RegistrationStatus::Waitlisted, "waitlisted"),
    (RegistrationStatus::Pending, "pending"),
    (RegistrationStatus::Cancelled, "cancelled"),
];

/// How many countries the country chart shows.
const TOP_COUNTRIES: usize = 12;

/// The days chart's plot area.
const DAYS_WIDTH: f64 = 700.0;
const DAYS_HEIGHT: f64 = 240.0;
const LEFT: f64 = 50.0;
const TOP: f64 = 12.0;

pub struct Rect {
    pub x: String,
    pub y: String,
    pub width: String,
    pub height: String,
    pub class: &'static str,
    pub title: String,
}

pub struct Label {
    pub x: String,
    pub y: String,
    pub text: String,
}

pub struct Bar {
    pub label: String,
    pub value: u64,
    pub note: String,
    pub width: String,
    pub y: String,
    pub text_y: String,
    pub class: &'static str,
}

pub struct StatRow {
    pub name: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "report.html")]
pub struct Report {
    pub title: String,
    /// The start in the event's zone, as the pages and emails write it.
    pub starts_local: String,
    /// The start as RFC 3339, for `<time datetime>`.
    pub starts_at: String,
    pub event_id: String,
    pub generated: String,
    pub timezone: String,
    pub total: u64,
    pub day_bars: Vec<Rect>,
    pub day_labels: Vec<Label>,
    pub count_labels: Vec<Label>,
    pub countries: Vec<Bar>,
    pub countries_height: u32,
    pub funnel: Vec<Bar>,
    pub stats: Vec<StatRow>,
}

fn f(v: f64) -> String {
    format!("{v:.1}")
}

/// Where and when the report's event takes place, for its heading.
pub struct Event<'a> {
    pub heading: &'a Heading,
    pub timezone: &'a TimeZone,
    pub timezone_name: &'a str,
}

pub fn render(tally: &Tally, event: &Event<'_>) -> Result<String, askama::Error> {
    let (day_bars, day_labels, count_labels) = days_chart(tally);
    let countries = countries_chart(tally);
    let countries_height = u32::try_from(countries.len()).unwrap_or(0) * 26 + 8;
    let starts_at = event.heading.starts_at;
    Report {
        title: event.heading.title.clone(),
        starts_local: starts_at
            .to_zoned_datetime(event.timezone.clone())
            .strftime("%A, %-d %B %Y, %H:%M %Z (UTC%:z)")
            .to_string(),
        starts_at: starts_at.to_string(),
        event_id: tally.stats.event_id.clone(),
        generated: jiff::Timestamp::now()
            .strftime("%Y-%m-%d %H:%M UTC")
            .to_string(),
        timezone: event.timezone_name.to_owned(),
        total: tally.stats.total,
        day_bars,
        day_labels,
        count_labels,
        countries,
        countries_height,
        funnel: funnel_chart(tally),
        stats: stat_rows(tally),
    }
    .render()
}

/// Every day from the first registration to the last, with the registrations
/// up to and including it, by their status now.
fn cumulative(tally: &Tally) -> Vec<(Date, ByStatus)> {
    let parse = |day: &String| day.parse::<Date>().ok();
    let (Some(first), Some(last)) = (
        tally.by_day_status.keys().next().and_then(parse),
        tally.by_day_status.keys().next_back().and_then(parse),
    ) else {
        return Vec::new();
    };
    let mut days = Vec::new();
    let mut running = ByStatus::default();
    let mut day = first;
    while day <= last {
        if let Some(that_day) = tally.by_day_status.get(&day.to_string()) {
            running.pending += that_day.pending;
            running.confirmed += that_day.confirmed;
            running.waitlisted += that_day.waitlisted;
            running.cancelled += that_day.cancelled;
        }
        days.push((day, running));
        let Ok(next) = day.tomorrow() else { break };
        day = next;
    }
    days
}

fn days_chart(tally: &Tally) -> (Vec<Rect>, Vec<Label>, Vec<Label>) {
    let days = cumulative(tally);
    let most = days.last().map_or(0, |(_, c)| c.total()).max(1) as f64;
    let slot = DAYS_WIDTH / days.len().max(1) as f64;
    let width = (slot * 0.8).max(1.0);
    let every = days.len().div_ceil(8).max(1);
    let mut bars = Vec::new();
    let mut labels = Vec::new();
    for (i, (day, counts)) in days.iter().enumerate() {
        let x = LEFT + slot * i as f64 + (slot - width) / 2.0;
        let mut base = TOP + DAYS_HEIGHT;
        for (status, class) in STACK {
            let n = counts.get(status);
            if n == 0 {
                continue;
            }
            let height = DAYS_HEIGHT * n as f64 / most;
            base -= height;
            bars.push(Rect {
                x: f(x),
                y: f(base),
                width: f(width),
                height: f(height),
                class,
                title: format!("{day}: {n} {class}"),
            });
        }
        if i % every == 0 || i + 1 == days.len() {
            labels.push(Label {
                x: f(x + width / 2.0),
                y: f(TOP + DAYS_HEIGHT + 16.0),
                text: day.strftime("%b %-d").to_string(),
            });
        }
    }
    let counts = [0.0, 0.5, 1.0]
        .iter()
        .map(|share| Label {
            x: f(LEFT - 6.0),
            y: f(TOP + DAYS_HEIGHT * (1.0 - share) + 4.0),
            text: format!("{}", (most * share).round()),
        })
        .collect();
    (bars, labels, counts)
}

fn countries_chart(tally: &Tally) -> Vec<Bar> {
    let mut countries: Vec<(&String, &u64)> = tally.stats.by_country.iter().collect();
    countries.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let most = countries.first().map_or(1, |c| *c.1).max(1) as f64;
    countries
        .into_iter()
        .take(TOP_COUNTRIES)
        .enumerate()
        .map(|(i, (code, n))| {
            let eco = is_eco_member(code);
            Bar {
                label: format!("{}{}", if eco { "★ " } else { "" }, country_name(code)),
                value: *n,
                note: String::new(),
                width: f(400.0 * *n as f64 / most),
                y: f(4.0 + 26.0 * i as f64),
                text_y: f(4.0 + 26.0 * i as f64 + 14.0),
                class: if eco { "eco" } else { "other" },
            }
        })
        .collect()
}

fn funnel_chart(tally: &Tally) -> Vec<Bar> {
    let funnel = tally.funnel;
    let registered = funnel.registered.max(1) as f64;
    [
        ("Registered", funnel.registered),
        ("Confirmed their address", funnel.confirmed),
        ("Link sent", funnel.link_sent),
        ("Link delivered", funnel.delivered),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (label, n))| Bar {
        label: label.to_owned(),
        value: n,
        note: format!("{:.0}%", 100.0 * n as f64 / registered),
        width: f(400.0 * n as f64 / registered),
        y: f(4.0 + 34.0 * i as f64),
        text_y: f(4.0 + 34.0 * i as f64 + 18.0),
        class: "step",
    })
    .collect()
}

fn stat_rows(tally: &Tally) -> Vec<StatRow> {
    let s = &tally.stats;
    let row = |name: &str, value: String| StatRow {
        name: name.to_owned(),
        value,
    };
    let mut rows = vec![
        row("Event", s.event_id.clone()),
        row(
            "Capacity",
            s.capacity.map_or("no limit".into(), |c| c.to_string()),
        ),
        row("Registrations", s.total.to_string()),
    ];
    for status in RegistrationStatus::ALL {
        rows.push(row(
            &format!("… {}", status.as_str()),
            s.by_status.get(status).to_string(),
        ));
    }
    rows.push(row("Unreachable", s.unreachable.to_string()));
    for (kind, c) in [
        ("Confirmation emails", s.confirmations),
        ("Link emails", s.links),
    ] {
        rows.push(row(
            kind,
            format!(
                "{} sent, {} delivered, {} bounced, {} complained, {} owed",
                c.sent, c.delivered, c.bounced, c.complained, c.owed
            ),
        ));
    }
    let eco: u64 = s
        .by_country
        .iter()
        .filter(|(code, _)| is_eco_member(code))
        .map(|(_, n)| n)
        .sum();
    rows.push(row("Countries", s.by_country.len().to_string()));
    rows.push(row("Registrations from ECO member states", eco.to_string()));
    rows
}
