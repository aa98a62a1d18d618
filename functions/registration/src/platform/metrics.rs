//! CloudWatch metrics in Embedded Metric Format: one JSON line on stdout, which
//! Lambda puts in the function's log and CloudWatch turns into metrics (no API
//! call). Each count is published twice: per program (`EventId`) and for the
//! whole deployment (no dimension), which the alarms in `template.yaml` read,
//! so that they watch every program, published ones included.

use serde_json::{Map, Value, json};

/// The namespace of every metric the functions write.
pub const NAMESPACE: &str = "BTBU-ECOSF/Registration";

/// The one EMF line for `counts` (name, value) of an event, at `at`.
pub fn line(event_id: &str, counts: &[(&str, u64)], at: jiff::Timestamp) -> String {
    let metrics: Vec<Value> = counts
        .iter()
        .map(|(name, _)| json!({"Name": name, "Unit": "Count"}))
        .collect();
    let mut object = Map::new();
    object.insert(
        "_aws".into(),
        json!({
            "Timestamp": at.as_millisecond(),
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [["EventId"], []],
                "Metrics": metrics,
            }],
        }),
    );
    object.insert("EventId".into(), json!(event_id));
    for (name, value) in counts {
        object.insert((*name).into(), json!(value));
    }
    Value::Object(object).to_string()
}

/// Write the EMF line for `counts` to stdout.
pub fn emit(event_id: &str, counts: &[(&str, u64)]) {
    println!("{}", line(event_id, counts, jiff::Timestamp::now()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_embedded_metric_format_per_program_and_for_the_deployment() {
        let at: jiff::Timestamp = "2022-09-27T05:00:00Z".parse().unwrap();
        let line: Value =
            serde_json::from_str(&line("bnr-li-ion-2022", &[("EmailsBounced", 1)], at)).unwrap();
        assert_eq!(line["_aws"]["Timestamp"], 1_664_254_800_000i64);
        let directive = &line["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(directive["Namespace"], NAMESPACE);
        assert_eq!(directive["Dimensions"], json!([["EventId"], []]));
        assert_eq!(
            directive["Metrics"],
            json!([{"Name": "EmailsBounced", "Unit": "Count"}])
        );
        assert_eq!(line["EventId"], "bnr-li-ion-2022");
        assert_eq!(line["EmailsBounced"], 1);
    }
}
