//! What `template.yaml` promises: when send-links runs (from deployment, so a
//! failed confirmation email is retried during registration, with links held back
//! until `LinksSendAt`, after registration closes and before the webinar starts);
//! that each function may make only the DynamoDB calls it makes and send only as
//! the sender's address; the HTTP routes of each function; that CORS and the
//! functions' origin check read one list; and the bounds on send-links' rate and
//! safety margin; the stack's SES configuration set and the `email-events`
//! function on its events; the abuse limits' parameters; the alarms and the
//! topic they go to; and that the `sam local` env file matches the template.

use registration::platform::aws::{OPERATION_TIMEOUT, SES_OPERATION_TIMEOUT};
use serde_norway::Value;
use std::collections::BTreeSet;

fn default(template: &Value, parameter: &str) -> String {
    template["Parameters"][parameter]["Default"]
        .as_str()
        .unwrap_or_else(|| panic!("{parameter} has a string default"))
        .to_owned()
}

#[test]
fn the_schedule_runs_from_deployment_without_end_and_the_own_program_is_optional() {
    let template = system_tests::table::template().expect("template.yaml");
    assert_eq!(
        default(&template, "LinkScheduleStart"),
        "",
        "send-links runs all through registration, retrying failed confirmation emails"
    );
    assert_eq!(
        default(&template, "LinkScheduleEnd"),
        "",
        "programs are published after deployment: the schedule has no end by default"
    );
    // Accepting every default deploys a working, empty system: no own program,
    // so none of its settings (and no date that has passed) is needed.
    for parameter in [
        "EventId",
        "EventTitle",
        "EventStartsAt",
        "EventTimezone",
        "RegistrationClosesAt",
        "ZoomJoinUrl",
        "LinksSendAt",
        "Capacity",
        "ReminderBefore",
    ] {
        assert_eq!(default(&template, parameter), "", "{parameter}");
    }
    assert_eq!(
        default(&template, "EventHost"),
        registration::config::DEFAULT_HOST
    );
    // `sam validate --lint` (make test) checks each default against its pattern.

    // The function gets LinksSendAt as LINKS_SEND_AT, and every function the host.
    let environment = &template["Resources"]["SendLinksFunction"]["Properties"]["Environment"]["Variables"]
        ["LINKS_SEND_AT"];
    assert_eq!(
        serde_norway::to_string(environment).unwrap().trim(),
        "!Ref LinksSendAt"
    );
    let globals = &template["Globals"]["Function"]["Environment"]["Variables"];
    assert_eq!(
        serde_norway::to_string(&globals["EVENT_HOST"])
            .unwrap()
            .trim(),
        "!Ref EventHost"
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
const LINE_INDEX: &str = "!Sub ${RegistrationsTable.Arn}/index/line";
const ROSTER_INDEX: &str = "!Sub ${RegistrationsTable.Arn}/index/roster";
const EVENT_INDEX: &str = "!Sub ${RegistrationsTable.Arn}/index/event";

#[test]
fn each_function_may_make_only_the_dynamodb_calls_it_makes() {
    let template = system_tests::table::template().expect("template.yaml");
    // send-links claims, records, adds and takes back confirmation links and
    // gives seats the organizer freed in transactions of updates (UpdateItem),
    // reads the links a registration holds and the seats item (GetItem) and
    // lists and counts the outbox and lists the programs (Query): it never
    // creates or deletes an item.
    assert_eq!(
        allowed(&template, "SendLinksFunction", "dynamodb"),
        pairs(&[
            ("dynamodb:GetItem", TABLE),
            ("dynamodb:Query", EVENT_INDEX),
            ("dynamodb:Query", LINE_INDEX),
            ("dynamodb:Query", OUTBOX_INDEX),
            ("dynamodb:Query", ROSTER_INDEX),
            ("dynamodb:UpdateItem", TABLE),
        ])
    );
    assert_eq!(
        allowed(&template, "RegisterFunction", "dynamodb"),
        pairs(&[
            ("dynamodb:DeleteItem", TABLE),
            ("dynamodb:GetItem", TABLE),
            ("dynamodb:PutItem", TABLE),
            ("dynamodb:Query", EVENT_INDEX),
            ("dynamodb:Query", ROSTER_INDEX),
            ("dynamodb:UpdateItem", TABLE),
        ])
    );
    // confirm reads the registration and the seats item, and changes both in
    // transactions of updates (IAM authorizes each as UpdateItem; there is no
    // TransactWriteItems action), counts who is ahead in the line index, then
    // claims and records the link email.
    assert_eq!(
        allowed(&template, "ConfirmFunction", "dynamodb"),
        pairs(&[
            ("dynamodb:GetItem", TABLE),
            ("dynamodb:Query", LINE_INDEX),
            ("dynamodb:UpdateItem", TABLE),
        ])
    );
    // cancel does as confirm, and deletes a pending registration.
    assert_eq!(
        allowed(&template, "CancelFunction", "dynamodb"),
        pairs(&[
            ("dynamodb:DeleteItem", TABLE),
            ("dynamodb:GetItem", TABLE),
            ("dynamodb:Query", LINE_INDEX),
            ("dynamodb:UpdateItem", TABLE),
        ])
    );
    // console stores sign-in links, sessions and audit entries (PutItem), uses
    // a link, ends a session and erases or cancels a pending registration
    // (DeleteItem), reads a session, a program or a registration (GetItem),
    // counts sign-in emails and resends, cancels or erases (UpdateItem), lists
    // programs, registrations and the audit log through the roster index and a
    // place in line through the line index (Query), and reads a page's audit
    // entries whole (BatchGetItem).
    assert_eq!(
        allowed(&template, "ConsoleFunction", "dynamodb"),
        pairs(&[
            ("dynamodb:BatchGetItem", TABLE),
            ("dynamodb:DeleteItem", TABLE),
            ("dynamodb:GetItem", TABLE),
            ("dynamodb:PutItem", TABLE),
            ("dynamodb:Query", LINE_INDEX),
            ("dynamodb:Query", ROSTER_INDEX),
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
        "ConsoleFunction",
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
        bound, 5,
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
        expect(&["GET /", "GET /programs/{id}", "POST /registrations"])
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
        routes(&template, "ConsoleFunction"),
        expect(&[
            "GET /organizer/",
            "GET /organizer/{proxy+}",
            "POST /organizer/",
            "POST /organizer/{proxy+}",
        ])
    );
    assert_eq!(
        template["Parameters"]["OrganizerEmails"]["Default"].as_str(),
        Some(""),
        "nobody may sign in to the console unless the deployment names them"
    );
    assert_eq!(
        written(&variables(&template, "ConsoleFunction")["ORGANIZER_EMAILS"]),
        "!Ref OrganizerEmails"
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
    // API lets them through its confirm action's own bucket.
    let confirmations = template["Resources"]["RegistrationApi"]["Properties"]["RouteSettings"]
        ["POST /registrations/confirm"]["ThrottlingBurstLimit"]
        .as_u64()
        .expect("the confirm action's burst limit");
    let writes = RUNS_AT_ONCE * INDEX_WRITES_PER_SEND * most + confirmations;
    assert!(
        writes <= PARTITION_WRITES_PER_SECOND,
        "{writes} index writes a second at {most} sends a second"
    );
    let default = number(&template, "SendRatePerSecond", "Default");
    assert!((number(&template, "SendRatePerSecond", "MinValue")..=most).contains(&default));
}

/// A function's environment variables, as the template writes them.
fn variables(template: &Value, function: &str) -> Value {
    template["Resources"][function]["Properties"]["Environment"]["Variables"].clone()
}

/// The functions that send email.
const SENDERS: [&str; 5] = [
    "RegisterFunction",
    "ConfirmFunction",
    "CancelFunction",
    "SendLinksFunction",
    "ConsoleFunction",
];

#[test]
fn the_stack_s_configuration_set_publishes_every_email_s_news_to_eventbridge() {
    let template = system_tests::table::template().expect("template.yaml");
    let resources = &template["Resources"];
    assert_eq!(
        resources["RegistrationConfigurationSet"]["Type"].as_str(),
        Some("AWS::SES::ConfigurationSet")
    );
    assert!(
        resources["RegistrationConfigurationSet"]["Properties"]["Name"].is_null(),
        "a generated name, so that one account holds a stack per program"
    );
    let destination = &resources["RegistrationConfigurationSetEvents"];
    assert_eq!(
        destination["Type"].as_str(),
        Some("AWS::SES::ConfigurationSetEventDestination")
    );
    assert_eq!(
        written(&destination["Properties"]["ConfigurationSetName"]),
        "!Ref RegistrationConfigurationSet"
    );
    let destination = &destination["Properties"]["EventDestination"];
    assert_eq!(destination["Enabled"].as_bool(), Some(true));
    // SEND, DELIVERY, BOUNCE, COMPLAINT, DELIVERY_DELAY, REJECT as CloudFormation
    // spells them; no opens or clicks.
    let types: BTreeSet<&str> = destination["MatchingEventTypes"]
        .as_sequence()
        .expect("event types")
        .iter()
        .map(|t| t.as_str().expect("a type"))
        .collect();
    assert_eq!(
        types,
        BTreeSet::from([
            "send",
            "delivery",
            "bounce",
            "complaint",
            "deliveryDelay",
            "reject"
        ])
    );
    assert_eq!(
        written(&destination["EventBridgeDestination"]["EventBusArn"]),
        "!Sub arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default"
    );
    // The stack's own set replaced the parameter naming another.
    assert!(template["Parameters"]["SenderConfigurationSet"].is_null());
}

#[test]
fn every_sending_function_sends_with_the_configuration_set_and_may_use_it() {
    let template = system_tests::table::template().expect("template.yaml");
    let identity = "!Sub arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${SenderIdentity}";
    let set = "!Sub arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:configuration-set/${RegistrationConfigurationSet}";
    for function in SENDERS {
        assert_eq!(
            written(&variables(&template, function)["SES_CONFIGURATION_SET"]),
            "!Ref RegistrationConfigurationSet",
            "{function}"
        );
        assert_eq!(
            allowed(&template, function, "ses"),
            pairs(&[("ses:SendEmail", identity), ("ses:SendEmail", set)]),
            "{function}"
        );
    }
    // email-events sends nothing; it records the set's events only.
    assert!(allowed(&template, "EmailEventsFunction", "ses").is_empty());
    assert_eq!(
        written(&variables(&template, "EmailEventsFunction")["SES_CONFIGURATION_SET"]),
        "!Ref RegistrationConfigurationSet"
    );
}

#[test]
fn email_events_runs_on_the_stack_s_ses_events_only_and_may_only_record_them() {
    let template = system_tests::table::template().expect("template.yaml");
    let function = &template["Resources"]["EmailEventsFunction"];
    assert_eq!(function["Type"].as_str(), Some("AWS::Serverless::Function"));
    assert_eq!(
        function["Metadata"]["BuildMethod"].as_str(),
        Some("rust-cargolambda")
    );
    assert_eq!(
        function["Metadata"]["BuildProperties"]["Binary"].as_str(),
        Some("email-events")
    );
    let properties = &function["Properties"];
    assert_eq!(properties["Runtime"].as_str(), Some("provided.al2023"));
    assert_eq!(written(&properties["Architectures"]), "- arm64");
    assert_eq!(properties["Handler"].as_str(), Some("bootstrap"));
    assert_eq!(properties["CodeUri"].as_str(), Some("."));
    // Its log group, kept as long as the others'.
    assert_eq!(
        written(&properties["LoggingConfig"]["LogGroup"]),
        "!Ref EmailEventsLogGroup"
    );
    assert_eq!(
        written(&template["Resources"]["EmailEventsLogGroup"]["Properties"]["RetentionInDays"]),
        "!Ref LogRetentionDays"
    );
    // The event's settings come from the globals, as every function's do.
    let globals = &template["Globals"]["Function"]["Environment"]["Variables"];
    for (variable, value) in [
        ("TABLE_NAME", "!Ref RegistrationsTable"),
        ("EVENT_ID", "!Ref EventId"),
        ("EVENT_TITLE", "!Ref EventTitle"),
        ("EVENT_STARTS_AT", "!Ref EventStartsAt"),
        ("EVENT_TIMEZONE", "!Ref EventTimezone"),
    ] {
        assert_eq!(written(&globals[variable]), value);
    }

    // One trigger: an EventBridge rule on SES's events of this stack's set.
    let events = properties["Events"].as_mapping().expect("events");
    assert_eq!(events.len(), 1);
    let rule = &properties["Events"]["SesFeedback"];
    assert_eq!(rule["Type"].as_str(), Some("EventBridgeRule"));
    let pattern = &rule["Properties"]["Pattern"];
    assert_eq!(written(&pattern["source"]), "- aws.ses");
    let detail_types: BTreeSet<&str> = pattern["detail-type"]
        .as_sequence()
        .expect("detail types")
        .iter()
        .map(|t| t.as_str().expect("a detail type"))
        .collect();
    assert_eq!(
        detail_types,
        BTreeSet::from([
            "Email Sent",
            "Email Delivered",
            "Email Bounced",
            "Email Complaint Received",
            "Email Delivery Delayed",
            "Email Rejected",
        ])
    );
    let sets = pattern["detail"]["mail"]["tags"]["ses:configuration-set"]
        .as_sequence()
        .expect("the configuration-set filter");
    assert_eq!(sets.len(), 1);
    assert_eq!(written(&sets[0]), "!Ref RegistrationConfigurationSet");
    assert!(rule["Properties"]["RetryPolicy"]["MaximumRetryAttempts"].as_u64() > Some(0));
    // Undeliverable events, and events whose invocation failed after Lambda's
    // retries, wait in one queue; the rule (SAM names it function + event) may
    // send to it.
    let queue = "!GetAtt EmailEventsDeadLetterQueue.Arn";
    assert_eq!(
        written(&rule["Properties"]["DeadLetterConfig"]["Arn"]),
        queue
    );
    assert_eq!(written(&properties["DeadLetterQueue"]["TargetArn"]), queue);
    assert_eq!(properties["DeadLetterQueue"]["Type"].as_str(), Some("SQS"));
    let policy = &template["Resources"]["EmailEventsDeadLetterQueuePolicy"]["Properties"];
    let statement = &policy["PolicyDocument"]["Statement"][0];
    assert_eq!(
        statement["Principal"]["Service"].as_str(),
        Some("events.amazonaws.com")
    );
    assert_eq!(written(&statement["Action"]), "sqs:SendMessage");
    assert_eq!(
        written(&statement["Condition"]["ArnEquals"]["aws:SourceArn"]),
        "!GetAtt EmailEventsFunctionSesFeedback.Arn"
    );

    // It records news on the registration and reads it back: nothing else.
    assert_eq!(
        allowed(&template, "EmailEventsFunction", "dynamodb"),
        pairs(&[("dynamodb:GetItem", TABLE), ("dynamodb:UpdateItem", TABLE)])
    );
    for statement in statements(&template, "EmailEventsFunction") {
        for action in one_or_many(&statement["Action"]) {
            assert!(action.starts_with("dynamodb:"), "{action}");
        }
    }
}

#[test]
fn the_abuse_limits_and_the_reminder_reach_their_functions_with_the_code_s_defaults() {
    let template = system_tests::table::template().expect("template.yaml");
    let register = variables(&template, "RegisterFunction");
    for (variable, parameter, value) in [
        (
            "MAX_REGISTRATIONS_PER_IP_PER_HOUR",
            "MaxRegistrationsPerIpPerHour",
            20,
        ),
        (
            "MAX_CONFIRMATION_EMAILS_PER_HOUR",
            "MaxConfirmationEmailsPerHour",
            500,
        ),
        (
            "MAX_CONFIRMATION_EMAILS_PER_MAILBOX_PER_DAY",
            "MaxConfirmationEmailsPerMailboxPerDay",
            5,
        ),
        (
            "PENDING_EXPIRES_AFTER_HOURS",
            "PendingExpiresAfterHours",
            72,
        ),
    ] {
        assert_eq!(written(&register[variable]), format!("!Ref {parameter}"));
        assert_eq!(
            number(&template, parameter, "Default"),
            value,
            "{parameter}"
        );
        assert!(number(&template, parameter, "MinValue") >= 1, "{parameter}");
    }
    // The template's defaults are the code's: a stack deployed with them behaves
    // as the functions do without the variables.
    let mut env = system_tests::seed_env("registrations", "bnr-li-ion-2022");
    for variable in [
        "MAX_REGISTRATIONS_PER_IP_PER_HOUR",
        "MAX_CONFIRMATION_EMAILS_PER_HOUR",
        "MAX_CONFIRMATION_EMAILS_PER_MAILBOX_PER_DAY",
        "PENDING_EXPIRES_AFTER_HOURS",
        "REMINDER_BEFORE",
    ] {
        env.remove(variable);
    }
    let config = registration::config::RegisterConfig::from_source(&env).unwrap();
    assert_eq!(
        u64::from(config.max_registrations_per_ip_per_hour),
        number(&template, "MaxRegistrationsPerIpPerHour", "Default")
    );
    assert_eq!(
        u64::from(config.email_limits.per_hour),
        number(&template, "MaxConfirmationEmailsPerHour", "Default")
    );
    assert_eq!(
        u64::from(config.email_limits.per_mailbox_per_day),
        number(
            &template,
            "MaxConfirmationEmailsPerMailboxPerDay",
            "Default"
        )
    );
    assert_eq!(
        config.pending_expires_after.as_hours() as u64,
        number(&template, "PendingExpiresAfterHours", "Default")
    );
    // send-links counts its confirmation emails against the same caps.
    let send_links = variables(&template, "SendLinksFunction");
    for (variable, parameter) in [
        (
            "MAX_CONFIRMATION_EMAILS_PER_HOUR",
            "MaxConfirmationEmailsPerHour",
        ),
        (
            "MAX_CONFIRMATION_EMAILS_PER_MAILBOX_PER_DAY",
            "MaxConfirmationEmailsPerMailboxPerDay",
        ),
    ] {
        assert_eq!(written(&send_links[variable]), format!("!Ref {parameter}"));
    }

    // The reminder: off by default; what the pattern admits, send-links reads.
    assert_eq!(
        written(&variables(&template, "SendLinksFunction")["REMINDER_BEFORE"]),
        "!Ref ReminderBefore"
    );
    assert_eq!(default(&template, "ReminderBefore"), "");
    assert_eq!(
        template["Parameters"]["ReminderBefore"]["AllowedPattern"].as_str(),
        Some(
            r"^(|P\d+D(T(\d+H(\d+M)?(\d+S)?|\d+M(\d+S)?|\d+S))?|PT(\d+H(\d+M)?(\d+S)?|\d+M(\d+S)?|\d+S))$"
        )
    );
    for (value, minutes) in [
        ("", None),
        ("PT1H", Some(60)),
        ("P1D", Some(24 * 60)),
        ("PT1H30M", Some(90)),
        ("P1DT12H", Some(36 * 60)),
        ("PT45M", Some(45)),
    ] {
        env.insert("REMINDER_BEFORE".into(), value.into());
        let config = registration::config::SendLinksConfig::from_source(&env).unwrap();
        assert_eq!(
            config.own.unwrap().reminder_before.map(|d| d.as_mins()),
            minutes,
            "{value:?}"
        );
    }
}

#[test]
fn one_client_cannot_fill_the_api_throttle_and_a_flood_raises_an_alarm() {
    let template = system_tests::table::template().expect("template.yaml");
    let api = &template["Resources"]["RegistrationApi"]["Properties"];
    let settings = &api["DefaultRouteSettings"];
    let rate = settings["ThrottlingRateLimit"].as_u64().expect("a rate");
    let burst = settings["ThrottlingBurstLimit"].as_u64().expect("a burst");
    assert_eq!((rate, burst), (1000, 2000));
    // The route throttle is shared by every client: it must sit far above the
    // rate that locked everyone out before (one host at about 25 requests/s).
    const ONE_HOST_FLOOD: u64 = 25;
    assert!(rate >= 20 * ONE_HOST_FLOOD && burst >= 2 * rate);
    // Only the confirm action has a tighter bucket (the link outbox index's
    // partition), still far above one client's rate.
    let routes = api["RouteSettings"].as_mapping().expect("route settings");
    assert_eq!(routes.len(), 1);
    let confirm = &api["RouteSettings"]["POST /registrations/confirm"];
    assert!(confirm["ThrottlingRateLimit"].as_u64().unwrap() >= 8 * ONE_HOST_FLOOD);
    // Every 4xx of a flood refused by the limits is counted by an alarm.
    let flood = &template["Resources"]["ApiFloodAlarm"]["Properties"];
    assert_eq!(flood["Namespace"].as_str(), Some("AWS/ApiGateway"));
    assert_eq!(flood["MetricName"].as_str(), Some("4xx"));
    assert_eq!(
        written(&flood["Dimensions"][0]["Value"]),
        "!Ref RegistrationApi"
    );
    assert_eq!(written(&flood["AlarmActions"]), "- !Ref AlarmTopic");
}

#[test]
fn no_source_address_reaches_the_access_log_and_the_limits_key_lives_outside_the_table() {
    let template = system_tests::table::template().expect("template.yaml");
    let api = &template["Resources"]["RegistrationApi"]["Properties"];
    let format = api["AccessLogSettings"]["Format"]
        .as_str()
        .expect("an access log format");
    assert!(!format.contains("sourceIp"), "{format}");
    assert!(!format.contains("$context.identity"), "{format}");
    let fields: serde_json::Value = serde_json::from_str(format).expect("a JSON format");
    for kept in [
        "requestId",
        "routeKey",
        "status",
        "integrationError",
        "error",
    ] {
        assert!(fields[kept].is_string(), "{kept} is kept for operators");
    }
    // The key comes from Secrets Manager, resolved into the two functions that
    // count mailboxes or sources; the table never holds it.
    let secret = &template["Resources"]["LimitsKeySecret"];
    assert_eq!(secret["Type"].as_str(), Some("AWS::SecretsManager::Secret"));
    let generated = &secret["Properties"]["GenerateSecretString"];
    assert!(generated["PasswordLength"].as_u64().unwrap() >= 32);
    for function in ["RegisterFunction", "SendLinksFunction"] {
        let key = written(&variables(&template, function)["LIMITS_KEY"]);
        assert!(
            key.contains("{{resolve:secretsmanager:${LimitsKeySecret}:SecretString}}"),
            "{function}: {key}"
        );
    }
    for function in ["ConfirmFunction", "CancelFunction", "EmailEventsFunction"] {
        assert!(
            variables(&template, function)["LIMITS_KEY"].is_null(),
            "{function}"
        );
    }
    // The table holds no key material: no function may read the secret at run
    // time either (CloudFormation resolves it at deploy time).
    for function in SENDERS {
        assert!(allowed(&template, function, "secretsmanager").is_empty());
    }
}

/// Every alarm of the template: (logical id, properties).
fn alarms(template: &Value) -> Vec<(String, Value)> {
    template["Resources"]
        .as_mapping()
        .expect("resources")
        .iter()
        .filter(|(_, resource)| resource["Type"].as_str() == Some("AWS::CloudWatch::Alarm"))
        .map(|(id, resource)| {
            (
                id.as_str().expect("an id").to_owned(),
                resource["Properties"].clone(),
            )
        })
        .collect()
}

/// The one alarm on `metric` of `namespace`, with its single dimension.
fn alarm_on(
    template: &Value,
    namespace: &str,
    metric: &str,
    dimension: Option<(&str, &str)>,
) -> Value {
    let found: Vec<Value> = alarms(template)
        .into_iter()
        .map(|(_, alarm)| alarm)
        .filter(|alarm| {
            alarm["Namespace"].as_str() == Some(namespace)
                && alarm["MetricName"].as_str() == Some(metric)
                && dimension.is_none_or(|(name, value)| {
                    alarm["Dimensions"][0]["Name"].as_str() == Some(name)
                        && written(&alarm["Dimensions"][0]["Value"]) == value
                })
        })
        .collect();
    assert_eq!(found.len(), 1, "{namespace} {metric} {dimension:?}");
    let alarm = found.into_iter().next().unwrap();
    assert_eq!(
        alarm["Dimensions"].as_sequence().map_or(0, Vec::len),
        usize::from(dimension.is_some()),
        "{metric}"
    );
    alarm
}

/// Alarms when the statistic is above zero at all.
fn assert_any_is_too_many(alarm: &Value, statistic: &str) {
    assert_eq!(alarm["Statistic"].as_str(), Some(statistic), "{alarm:?}");
    assert_eq!(alarm["Threshold"].as_f64(), Some(0.0), "{alarm:?}");
    assert_eq!(
        alarm["ComparisonOperator"].as_str(),
        Some("GreaterThanThreshold"),
        "{alarm:?}"
    );
}

const NAMESPACE: &str = "BTBU-ECOSF/Registration";

#[test]
fn the_organizer_is_alarmed_by_failures_owed_links_and_bounce_and_complaint_rates() {
    let template = system_tests::table::template().expect("template.yaml");
    // Every alarm goes to the topic and stays quiet without data.
    let all = alarms(&template);
    assert_eq!(
        all.len(),
        2 + 6 + 1 + 2 + 1,
        "{:?}",
        all.iter().map(|(id, _)| id).collect::<Vec<_>>()
    );
    for (id, alarm) in &all {
        assert_eq!(written(&alarm["AlarmActions"]), "- !Ref AlarmTopic", "{id}");
        assert_eq!(
            alarm["TreatMissingData"].as_str(),
            Some("notBreaching"),
            "{id}"
        );
        assert!(alarm["AlarmDescription"].as_str().is_some(), "{id}");
    }
    assert_eq!(
        template["Resources"]["AlarmTopic"]["Type"].as_str(),
        Some("AWS::SNS::Topic")
    );

    // Dead-letter queues not empty.
    for queue in [
        "SendLinksScheduleDeadLetterQueue",
        "EmailEventsDeadLetterQueue",
    ] {
        let alarm = alarm_on(
            &template,
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            Some(("QueueName", &format!("!GetAtt {queue}.QueueName"))),
        );
        assert_any_is_too_many(&alarm, "Maximum");
    }
    // Any function failing: every function of the template has its alarm.
    let functions: Vec<String> = template["Resources"]
        .as_mapping()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"].as_str() == Some("AWS::Serverless::Function"))
        .map(|(id, _)| id.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(functions.len(), 6);
    for function in &functions {
        let alarm = alarm_on(
            &template,
            "AWS/Lambda",
            "Errors",
            Some(("FunctionName", &format!("!Ref {function}"))),
        );
        assert_any_is_too_many(&alarm, "Sum");
    }
    // Links still owed within the last hour before the start (send-links' EMF).
    let alarm = alarm_on(&template, NAMESPACE, "LinksOwedBeforeStart", None);
    assert_any_is_too_many(&alarm, "Maximum");

    // Bounce and complaint rates per email sent (email-events' EMF), per hour.
    for (id, numerator, threshold) in [
        ("BounceRateAlarm", "EmailsBounced", 0.02),
        ("ComplaintRateAlarm", "EmailsComplained", 0.0005),
    ] {
        let alarm = &template["Resources"][id]["Properties"];
        assert_eq!(alarm["Threshold"].as_f64(), Some(threshold), "{id}");
        assert_eq!(
            alarm["ComparisonOperator"].as_str(),
            Some("GreaterThanThreshold")
        );
        let metrics = alarm["Metrics"].as_sequence().expect("metric math");
        let mut by_name = std::collections::BTreeMap::new();
        let mut expression = None;
        for metric in metrics {
            let id = metric["Id"].as_str().expect("an id").to_owned();
            if let Some(e) = metric["Expression"].as_str() {
                assert_eq!(metric["ReturnData"].as_bool(), Some(true));
                expression = Some(e.to_owned());
                continue;
            }
            assert_eq!(metric["ReturnData"].as_bool(), Some(false));
            let stat = &metric["MetricStat"];
            assert_eq!(stat["Stat"].as_str(), Some("Sum"));
            assert_eq!(stat["Period"].as_u64(), Some(3600));
            assert_eq!(stat["Metric"]["Namespace"].as_str(), Some(NAMESPACE));
            // The deployment's metric (no dimension): every program's emails.
            assert!(stat["Metric"]["Dimensions"].is_null(), "{id}");
            by_name.insert(
                stat["Metric"]["MetricName"]
                    .as_str()
                    .expect("a name")
                    .to_owned(),
                id,
            );
        }
        assert_eq!(by_name.len(), 2, "{id}");
        let sent = &by_name["EmailsSent"];
        let counted = &by_name[numerator];
        assert_eq!(
            expression.as_deref(),
            Some(format!("FILL({counted}, 0) / {sent}").as_str()),
            "{id}"
        );
    }
}

#[test]
fn alarm_email_subscribes_to_the_alarms_only_when_given() {
    let template = system_tests::table::template().expect("template.yaml");
    assert_eq!(default(&template, "AlarmEmail"), "");
    assert_eq!(
        written(&template["Conditions"]["HasAlarmEmail"]),
        "!Not\n- !Equals\n  - !Ref AlarmEmail\n  - ''"
    );
    let subscription = &template["Resources"]["AlarmEmailSubscription"];
    assert_eq!(
        subscription["Type"].as_str(),
        Some("AWS::SNS::Subscription")
    );
    assert_eq!(subscription["Condition"].as_str(), Some("HasAlarmEmail"));
    let properties = &subscription["Properties"];
    assert_eq!(properties["Protocol"].as_str(), Some("email"));
    assert_eq!(written(&properties["Endpoint"]), "!Ref AlarmEmail");
    assert_eq!(written(&properties["TopicArn"]), "!Ref AlarmTopic");
}

/// The variables `sam local` can set for a function: those the template declares
/// for it (SAM ignores any other key of the env file).
fn declared(template: &Value, function: &str) -> BTreeSet<String> {
    let globals = &template["Globals"]["Function"]["Environment"]["Variables"];
    [globals.clone(), variables(template, function)]
        .iter()
        .filter_map(Value::as_mapping)
        .flat_map(|m| m.keys().map(|k| k.as_str().expect("a name").to_owned()))
        .collect()
}

#[test]
fn the_sam_local_env_file_sets_every_variable_of_every_function_and_nothing_else() {
    let template = system_tests::table::template().expect("template.yaml");
    let path = system_tests::table::template_path()
        .with_file_name("infra")
        .join("events/sam-local-env.json");
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("the env file")).unwrap();
    let keys = |section: &str| -> BTreeSet<String> {
        file[section]
            .as_object()
            .unwrap_or_else(|| panic!("a section {section}"))
            .keys()
            .cloned()
            .collect()
    };
    let common = keys("Parameters");
    let functions: Vec<&str> = template["Resources"]
        .as_mapping()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"].as_str() == Some("AWS::Serverless::Function"))
        .map(|(id, _)| id.as_str().unwrap())
        .collect();
    for function in functions {
        let own = keys(function);
        let set: BTreeSet<String> = common.union(&own).cloned().collect();
        let declared = declared(&template, function);
        assert_eq!(set, declared, "{function}");
        assert!(
            own.iter().all(|k| !common.contains(k)),
            "{function}: {own:?} repeats Parameters"
        );
    }
}
