//! `--stack`: the table, the event and the time zone come from the deployed
//! stack. CloudFormation has no local emulator, so a stand-in answers
//! DescribeStacks as CloudFormation documents it (awsQuery XML), for a stack
//! that exists and one that does not; the table behind it is DynamoDB Local's.

mod common;

use common::{organizer, seed};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use system_tests::spawn_app;

const NAMESPACE: &str = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

/// DescribeStacks' answer for the stack `deployed` (with these outputs and
/// parameters) and CloudFormation's error for any other.
fn describe_stacks(stack: &str, table: &str, event_id: &str) -> (u16, String) {
    if stack != "deployed" {
        return (
            400,
            format!(
                "<ErrorResponse xmlns=\"{NAMESPACE}\"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id {stack} does not exist</Message></Error><RequestId>r</RequestId></ErrorResponse>"
            ),
        );
    }
    let member = |k: &str, v: &str, kind: &str| {
        format!("<member><{kind}Key>{k}</{kind}Key><{kind}Value>{v}</{kind}Value></member>")
    };
    (
        200,
        format!(
            "<DescribeStacksResponse xmlns=\"{NAMESPACE}\"><DescribeStacksResult><Stacks><member>\
             <StackName>deployed</StackName><StackId>arn:aws:cloudformation:us-east-1:1:stack/deployed/1</StackId>\
             <CreationTime>2022-09-01T00:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus>\
             <Outputs>{}</Outputs><Parameters>{}{}{}</Parameters></member></Stacks></DescribeStacksResult>\
             <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeStacksResponse>",
            member("TableName", table, "Output"),
            member("EventId", event_id, "Parameter"),
            member("EventTimezone", "UTC", "Parameter"),
            member("Capacity", "2", "Parameter"),
        ),
    )
}

/// A stand-in CloudFormation endpoint on a free local port, serving requests
/// until the test process ends.
fn fake_cloudformation(table: String, event_id: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let body = String::from_utf8_lossy(&body).into_owned();
            let stack = body
                .split('&')
                .find_map(|pair| pair.strip_prefix("StackName="))
                .unwrap_or_default()
                .to_owned();
            let (status, xml) = describe_stacks(&stack, &table, &event_id);
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-type: text/xml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{xml}",
                xml.len()
            );
        }
    });
    address
}

#[tokio::test]
async fn stack_gives_the_table_event_zone_and_capacity() {
    let app = spawn_app().await;
    seed(&app).await;
    let endpoint = fake_cloudformation(app.table.clone(), app.event_id.clone());
    let run = organizer(
        &[("AWS_ENDPOINT_URL_CLOUDFORMATION", &endpoint)],
        &["--stack", "deployed", "stats", "--json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let stats: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(stats["event_id"], app.event_id.as_str());
    assert_eq!(stats["total"], 8);
    assert_eq!(stats["capacity"], 2);
    // Days in the stack's zone (UTC here): the registration at 01:00 Karachi
    // on the 19th is on the 18th.
    assert_eq!(stats["by_day"]["2022-09-18"], 3);
}

#[tokio::test]
async fn a_missing_stack_fails_with_one_line() {
    let endpoint = fake_cloudformation(String::new(), String::new());
    let run = organizer(
        &[("AWS_ENDPOINT_URL_CLOUDFORMATION", &endpoint)],
        &["--stack", "nope", "stats"],
    );
    run.assert_failed_with("no such stack: nope");
}
