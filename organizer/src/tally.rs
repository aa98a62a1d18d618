//! `stats` for people: the counts of [`registration::tally`] as aligned lines.

use registration::domain::RegistrationStatus;
pub use registration::tally::*;

/// `stats` for people: a few aligned lines.
pub fn render_text(tally: &Tally, timezone_name: &str) -> String {
    let s = &tally.stats;
    let mut out = String::new();
    let capacity = s.capacity.map_or("no limit".to_owned(), |c| c.to_string());
    out.push_str(&format!(
        "event        {} (capacity {capacity})\n",
        s.event_id
    ));
    out.push_str(&format!("total        {}\n", s.total));
    for status in RegistrationStatus::ALL {
        out.push_str(&format!(
            "  {:<11}{}\n",
            status.as_str(),
            s.by_status.get(status)
        ));
    }
    out.push_str(&format!("unreachable  {}\n", s.unreachable));
    out.push_str("emails         sent  delivered  bounced  complained  owed\n");
    for (name, c) in [("confirmation", s.confirmations), ("link", s.links)] {
        out.push_str(&format!(
            "  {name:<12} {:>5}  {:>9}  {:>7}  {:>10}  {:>4}\n",
            c.sent, c.delivered, c.bounced, c.complained, c.owed
        ));
    }
    out.push_str("by country (* ECO member)\n");
    let mut countries: Vec<(&String, &u64)> = s.by_country.iter().collect();
    countries.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (code, n) in countries {
        let mark = if is_eco_member(code) { "*" } else { " " };
        out.push_str(&format!(
            "  {mark} {code}  {:<40} {n}\n",
            country_name(code)
        ));
    }
    out.push_str(&format!("by day ({timezone_name})\n"));
    for (day, n) in &s.by_day {
        out.push_str(&format!("  {day}  {n}\n"));
    }
    out
}
