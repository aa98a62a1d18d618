//! What `template.yaml`'s defaults promise about when send-links runs: from
//! deployment (so a failed confirmation email is retried during registration),
//! with links held back until `LinksSendAt`, after registration closes and before
//! the webinar starts.

use jiff::Timestamp;
use serde_norway::Value;

fn default(template: &Value, parameter: &str) -> String {
    template["Parameters"][parameter]["Default"]
        .as_str()
        .unwrap_or_else(|| panic!("{parameter} has a string default"))
        .to_owned()
}

fn instant(template: &Value, parameter: &str) -> Timestamp {
    default(template, parameter)
        .parse()
        .unwrap_or_else(|e| panic!("{parameter}: {e}"))
}

#[test]
fn the_schedule_runs_from_deployment_and_links_wait_until_after_registration_closes() {
    let template = system_tests::table::template().expect("template.yaml");
    assert_eq!(
        default(&template, "LinkScheduleStart"),
        "",
        "send-links runs all through registration, retrying failed confirmation emails"
    );
    let closes = instant(&template, "RegistrationClosesAt");
    let links = instant(&template, "LinksSendAt");
    let starts = instant(&template, "EventStartsAt");
    assert!(
        closes <= links && links < starts,
        "{closes} {links} {starts}"
    );
    let schedule_end = instant(&template, "LinkScheduleEnd");
    assert_eq!(
        schedule_end, starts,
        "the schedule ends at the webinar's start"
    );

    // The function gets LinksSendAt as LINKS_SEND_AT.
    let environment = &template["Resources"]["SendLinksFunction"]["Properties"]["Environment"]["Variables"]
        ["LINKS_SEND_AT"];
    assert_eq!(
        serde_norway::to_string(environment).unwrap().trim(),
        "!Ref LinksSendAt"
    );
}

#[test]
fn send_links_runs_one_at_a_time_on_its_schedule() {
    let template = system_tests::table::template().expect("template.yaml");
    let function = &template["Resources"]["SendLinksFunction"]["Properties"];
    let rates: Vec<&str> = function["Events"]
        .as_mapping()
        .expect("send-links has events")
        .values()
        .filter_map(|event| event["Properties"]["ScheduleExpression"].as_str())
        .collect();
    assert_eq!(rates, ["rate(5 minutes)"]);
    assert!(
        function["Timeout"].as_u64().expect("a timeout") <= 300,
        "a run ends before the next one starts"
    );
    assert_eq!(
        function["EventInvokeConfig"]["MaximumRetryAttempts"].as_u64(),
        Some(0),
        "a failed run is not retried over the next scheduled one"
    );
    assert_eq!(
        function["EventInvokeConfig"]["MaximumEventAgeInSeconds"].as_u64(),
        Some(60),
        "nor started late over it"
    );
}
