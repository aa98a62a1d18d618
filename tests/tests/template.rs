//! What `template.yaml` promises: when send-links runs (from deployment, so a
//! failed confirmation email is retried during registration, with links held back
//! until `LinksSendAt`, after registration closes and before the webinar starts);
//! that each function may make only the DynamoDB calls it makes and send only as
//! the sender's address; the HTTP routes of each function; that CORS and the
//! functions' origin check read one list; and the bounds on send-links' rate and
//! safety margin.

use jiff::Timestamp;
use registration::aws::{OPERATION_TIMEOUT, SES_OPERATION_TIMEOUT};
use serde_norway::Value;
use std::collections::BTreeSet;

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

/// A number-valued property of a parameter (`Default`, `MinValue`, `MaxValue`).
fn number(template: &Value, parameter: &str, property: &str) -> u64 {
    template["Parameters"][parameter][property]
        .as_u64()
        .unwrap_or_else(|| panic!("{parameter} has a numeric {property}"))
}

/// A value as the template writes it (`!GetAtt RegistrationsTable.Arn`, …).
fn written(value: &Value) -> String {
    serde_norway::to_string(value).unwrap().trim().to_owned()
}

/// A string or a list of strings, as IAM takes `Action` and `Resource`.
fn one_or_many(value: &Value) -> Vec<String> {
    match value {
        Value::Sequence(values) => values.iter().map(written).collect(),
        value => vec![written(value)],
    }
}

/// The policy statements of a function's role.
fn statements<'a>(template: &'a Value, function: &str) -> Vec<&'a Value> {
    template["Resources"][function]["Properties"]["Policies"]
        .as_sequence()
        .unwrap_or_else(|| panic!("{function} has policies"))
        .iter()
        .flat_map(|policy| {
            policy["Statement"]
                .as_sequence()
                .unwrap_or_else(|| panic!("{function}: a policy with statements"))
        })
        .collect()
}

/// Every (action, resource) pair a function's role allows for actions of `service`.
fn allowed(template: &Value, function: &str, service: &str) -> BTreeSet<(String, String)> {
    let mut pairs = BTreeSet::new();
    for statement in statements(template, function) {
        assert_eq!(statement["Effect"].as_str(), Some("Allow"), "{function}");
        for action in one_or_many(&statement["Action"]) {
            if action.starts_with(&format!("{service}:")) {
                for resource in one_or_many(&statement["Resource"]) {
                    pairs.insert((action.clone(), resource));
                }
            }
        }
    }
    pairs
}

fn pairs(expected: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    expected
        .iter()
        .map(|(action, resource)| (action.to_string(), resource.to_string()))
        .collect()
}

const TABLE: &str = "!GetAtt RegistrationsTable.Arn";
const OUTBOX_INDEX: &str = "!Sub ${RegistrationsTable.Arn}/index/outbox";

#[test]
fn each_function_may_make_only_the_dynamodb_calls_it_makes() {
    let template = system_tests::table::template().expect("template.yaml");
    // send-links claims, records, adds and takes back confirmation links and
    // gives seats the organizer freed in transactions of updates (UpdateItem),
    // reads the links a registration holds and the seats item (GetItem) and
    // lists and counts the outbox (Query): it never creates or deletes an item.
    assert_eq!(
        allowed(&template, "SendLinksFunction", "dynamodb"),
        pairs(&[
            ("dynamodb:GetItem", TABLE),
            ("dynamodb:Query", OUTBOX_INDEX),
            ("dynamodb:UpdateItem", TABLE),
        ])
    );
    assert_eq!(
        allowed(&template, "RegisterFunction", "dynamodb"),
        pairs(&[
            ("dynamodb:GetItem", TABLE),
            ("dynamodb:PutItem", TABLE),
            ("dynamodb:UpdateItem", TABLE),
        ])
    );
    // confirm reads the registration and the seats item, and changes both in
    // transactions of updates (IAM authorizes each as UpdateItem; there is no
    // TransactWriteItems action), then claims and records the link email.
    assert_eq!(
        allowed(&template, "ConfirmFunction", "dynamodb"),
        pairs(&[("dynamodb:GetItem", TABLE), ("dynamodb:UpdateItem", TABLE)])
    );
    // cancel does as confirm, and deletes a pending registration.
    assert_eq!(
        allowed(&template, "CancelFunction", "dynamodb"),
        pairs(&[
            ("dynamodb:DeleteItem", TABLE),
            ("dynamodb:GetItem", TABLE),
            ("dynamodb:UpdateItem", TABLE),
        ])
    );
}

/// Evaluate the intrinsic functions the template uses on strings (`!Ref`, `!Sub`
/// of parameters, `!Split`, `!Select`), with `parameters` as the stack's values.
fn evaluate(value: &Value, parameters: &[(&str, &str)]) -> Value {
    let Value::Tagged(tagged) = value else {
        return value.clone();
    };
    let text = |value: &Value| match evaluate(value, parameters) {
        Value::String(text) => text,
        other => panic!("not a string: {other:?}"),
    };
    let argument = &tagged.value;
    if tagged.tag == "Ref" {
        let name = argument.as_str().expect("a name");
        let (_, value) = parameters
            .iter()
            .find(|(parameter, _)| *parameter == name)
            .unwrap_or_else(|| panic!("no value for {name}"));
        Value::String(value.to_string())
    } else if tagged.tag == "Sub" {
        let mut result = text(argument);
        for (parameter, value) in parameters {
            result = result.replace(&format!("${{{parameter}}}"), value);
        }
        assert!(!result.contains("${"), "unresolved: {result}");
        Value::String(result)
    } else if tagged.tag == "Split" {
        let delimiter = argument[0].as_str().expect("a delimiter");
        Value::Sequence(
            text(&argument[1])
                .split(delimiter)
                .map(|piece| Value::String(piece.to_owned()))
                .collect(),
        )
    } else if tagged.tag == "Select" {
        let index = argument[0].as_u64().expect("an index") as usize;
        evaluate(&argument[1], parameters)[index].clone()
    } else {
        panic!("cannot evaluate {}", tagged.tag)
    }
}

#[test]
fn every_email_permission_is_bound_to_the_sender_address() {
    let template = system_tests::table::template().expect("template.yaml");
    let senders = [
        (
            "BTBU-ECOSF Training <training@example.org>",
            "training@example.org",
        ),
        ("training@example.org", "training@example.org"),
        ("Training<events@example.org>", "events@example.org"),
    ];
    assert_eq!(
        template["Parameters"]["SenderEmail"]["Default"].as_str(),
        Some(senders[0].0)
    );
    let mut bound = 0;
    for function in [
        "RegisterFunction",
        "ConfirmFunction",
        "CancelFunction",
        "SendLinksFunction",
    ] {
        for statement in statements(&template, function) {
            let actions = one_or_many(&statement["Action"]);
            if !actions.iter().any(|action| action.starts_with("ses:")) {
                continue;
            }
            assert_eq!(actions, ["ses:SendEmail"], "{function}: SES sending only");
            let conditions = statement["Condition"]
                .as_mapping()
                .unwrap_or_else(|| panic!("{function}: ses:SendEmail without a condition"));
            assert_eq!(conditions.len(), 1, "{function}: {conditions:?}");
            let from = &statement["Condition"]["StringEquals"]["ses:FromAddress"];
            for (sender, address) in senders {
                assert_eq!(
                    evaluate(from, &[("SenderEmail", sender)]).as_str(),
                    Some(address),
                    "{function}: SenderEmail {sender}"
                );
            }
            bound += 1;
        }
    }
    assert_eq!(
        bound, 4,
        "every function sends email, each bound to the sender"
    );
}

/// Every HTTP route of a function: "METHOD /path".
fn routes(template: &Value, function: &str) -> BTreeSet<String> {
    template["Resources"][function]["Properties"]["Events"]
        .as_mapping()
        .unwrap_or_else(|| panic!("{function} has events"))
        .values()
        .filter(|event| event["Type"].as_str() == Some("HttpApi"))
        .map(|event| {
            let properties = &event["Properties"];
            assert_eq!(written(&properties["ApiId"]), "!Ref RegistrationApi");
            assert_eq!(properties["PayloadFormatVersion"].as_str(), Some("2.0"));
            format!(
                "{} {}",
                properties["Method"].as_str().expect("a method"),
                properties["Path"].as_str().expect("a path")
            )
        })
        .collect()
}

#[test]
fn each_link_has_its_page_and_its_action_and_each_function_its_settings() {
    let template = system_tests::table::template().expect("template.yaml");
    let expect = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        routes(&template, "RegisterFunction"),
        expect(&["GET /", "POST /registrations"])
    );
    assert_eq!(
        routes(&template, "ConfirmFunction"),
        expect(&["GET /registrations/confirm", "POST /registrations/confirm"])
    );
    assert_eq!(
        routes(&template, "CancelFunction"),
        expect(&["GET /registrations/cancel", "POST /registrations/cancel"])
    );
    assert_eq!(
        template["Parameters"]["Capacity"]["Default"].as_str(),
        Some(""),
        "no limit unless the organizer sets one"
    );
    let variables = |function: &str| {
        template["Resources"][function]["Properties"]["Environment"]["Variables"].clone()
    };
    for function in ["ConfirmFunction", "CancelFunction", "SendLinksFunction"] {
        assert_eq!(
            written(&variables(function)["CAPACITY"]),
            "!Ref Capacity",
            "{function}"
        );
    }
    for function in ["ConfirmFunction", "CancelFunction"] {
        for (variable, parameter) in [
            ("SENDER_EMAIL", "SenderEmail"),
            ("ZOOM_JOIN_URL", "ZoomJoinUrl"),
            ("LINKS_SEND_AT", "LinksSendAt"),
        ] {
            assert_eq!(
                written(&variables(function)[variable]),
                format!("!Ref {parameter}"),
                "{function}"
            );
        }
    }
    assert_eq!(
        template["Parameters"]["ZoomJoinUrl"]["NoEcho"].as_bool(),
        Some(true)
    );
}

#[test]
fn cors_and_the_functions_origin_check_read_one_list() {
    let template = system_tests::table::template().expect("template.yaml");
    assert_eq!(
        written(
            &template["Resources"]["RegistrationApi"]["Properties"]["CorsConfiguration"]["AllowOrigins"]
        ),
        "!Ref AllowedOrigins"
    );
    for function in ["RegisterFunction", "ConfirmFunction", "CancelFunction"] {
        let variable = &template["Resources"][function]["Properties"]["Environment"]["Variables"]["ALLOWED_ORIGINS"];
        let Value::Tagged(join) = variable else {
            panic!("{function}: ALLOWED_ORIGINS joins AllowedOrigins: {variable:?}");
        };
        assert_eq!(join.tag, "Join", "{function}");
        assert_eq!(join.value[0].as_str(), Some(","), "{function}");
        assert_eq!(written(&join.value[1]), "!Ref AllowedOrigins", "{function}");
    }
    // The default is a list the functions accept.
    let default = default(&template, "AllowedOrigins");
    let origins = registration::config::AllowedOrigins::parse(&default).expect("origins");
    for origin in default.split(',') {
        assert!(origins.contains(origin), "{origin}");
    }
}

#[test]
fn the_safety_margin_covers_one_send_and_its_record() {
    let template = system_tests::table::template().expect("template.yaml");
    let least = number(&template, "SendSafetyMarginSecs", "MinValue");
    // The last send starts before the margin; SES may take its whole bound and
    // the record (one DynamoDB call) its own.
    let send_and_record = (SES_OPERATION_TIMEOUT + OPERATION_TIMEOUT).as_secs();
    assert_eq!(send_and_record, 9);
    assert!(least >= send_and_record, "MinValue {least} s");
    let default = number(&template, "SendSafetyMarginSecs", "Default");
    assert!(default >= least, "the default {default} s is allowed");
    assert!(default <= number(&template, "SendSafetyMarginSecs", "MaxValue"));
}

#[test]
fn the_send_rate_stays_within_what_the_outbox_index_partition_absorbs() {
    let template = system_tests::table::template().expect("template.yaml");
    // One partition key value of the index takes at most 1,000 write units a
    // second, and every link waits under one: `<event>#link`.
    const PARTITION_WRITES_PER_SECOND: u64 = 1_000;
    // Each send writes the index once (its record takes it out); counted twice,
    // as if its claim did too, and with a second run at once.
    const INDEX_WRITES_PER_SEND: u64 = 2;
    const RUNS_AT_ONCE: u64 = 2;
    let most = number(&template, "SendRatePerSecond", "MaxValue");
    assert_eq!(most, 200);
    // Confirmations move registrations into the link outbox as fast as the HTTP
    // API lets them through.
    let confirmations = template["Resources"]["RegistrationApi"]["Properties"]
        ["DefaultRouteSettings"]["ThrottlingBurstLimit"]
        .as_u64()
        .expect("the API's burst limit");
    let writes = RUNS_AT_ONCE * INDEX_WRITES_PER_SEND * most + confirmations;
    assert!(
        writes <= PARTITION_WRITES_PER_SECOND,
        "{writes} index writes a second at {most} sends a second"
    );
    let default = number(&template, "SendRatePerSecond", "Default");
    assert!((number(&template, "SendRatePerSecond", "MinValue")..=most).contains(&default));
}
